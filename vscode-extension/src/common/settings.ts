import * as vscode from 'vscode';
import { DEFAULT_LANGUAGES, SECTION } from './constants';

/**
 * What the server is told: `initializationOptions` and `workspace/didChangeConfiguration`.
 * Values are passed on as the user wrote them: the server validates them against its
 * rules and profiles and reports a bad one (once) in a message, which is more useful than
 * silently dropping it here.
 */
export interface ServerSettings {
    /** Left out unless the user chose one, so a project's configuration file can choose. */
    profile?: string;
    /** The natural language (en, fr, es or auto); left out unless the user chose one. */
    language?: string;
    select: string[];
    ignore: string[];
    severity: Record<string, string>;
    languages: string[];
}

/** Everything under `opscTerms.*`, including what only the extension itself uses. */
export interface ExtensionSettings extends ServerSettings {
    interpreter: string;
}

/** Settings whose change needs a new server process rather than a notification. */
const RESTART_KEYS = ['interpreter', 'languages'];
/** Settings the running server takes from `workspace/didChangeConfiguration`. */
const NOTIFY_KEYS = ['profile', 'language', 'select', 'ignore', 'severity'];

/** The strings of a list, trimmed, without blanks or repeats. */
function stringList(value: unknown): string[] {
    if (!Array.isArray(value)) {
        return [];
    }
    const items = value.filter((item): item is string => typeof item === 'string').map((item) => item.trim());
    return [...new Set(items.filter((item) => item !== ''))];
}

function stringMap(value: unknown): Record<string, string> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return {};
    }
    return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
}

/** A setting's value only where the user set it (`get` would answer the manifest's default). */
function userValue(config: vscode.WorkspaceConfiguration, key: string): unknown {
    const inspected = config.inspect<unknown>(key);
    return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
}

/** Read `opscTerms.*` for a resource (or the workspace), with defaults for what is unset or of the wrong type. */
export function readSettings(scope?: vscode.ConfigurationScope): ExtensionSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope);
    const interpreter = config.get<unknown>('interpreter');
    // `get` would answer the manifest's default; only a value the user set counts.
    const profile = userValue(config, 'profile');
    const language = userValue(config, 'language');
    const languages = config.get<unknown>('languages');
    return {
        interpreter: typeof interpreter === 'string' ? interpreter.trim() : '',
        profile: typeof profile === 'string' && profile.trim() !== '' ? profile.trim() : undefined,
        language: typeof language === 'string' && language.trim() !== '' ? language.trim() : undefined,
        select: stringList(config.get('select')),
        ignore: stringList(config.get('ignore')),
        severity: stringMap(config.get('severity')),
        languages: Array.isArray(languages) ? stringList(languages) : [...DEFAULT_LANGUAGES],
    };
}

/** The part of the settings the server understands (the interpreter stays with the client). */
export function toServerSettings(settings: ExtensionSettings): ServerSettings {
    const { profile, language, select, ignore, severity, languages } = settings;
    return { profile, language, select, ignore, severity, languages };
}

/** The documents the client hands to the server: files and unsaved editors of those languages. */
export function documentSelector(languages: readonly string[]): { scheme: string; language: string }[] {
    return languages.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
    ]);
}

export type ConfigurationReaction = 'none' | 'notify' | 'restart';

/** How to react to a settings change: restart for the interpreter or languages, otherwise tell the server. */
export function reactionTo(event: vscode.ConfigurationChangeEvent): ConfigurationReaction {
    const affects = (key: string) => event.affectsConfiguration(`${SECTION}.${key}`);
    if (RESTART_KEYS.some(affects)) {
        return 'restart';
    }
    // `trace.server` is left out on purpose: vscode-languageclient follows it by itself.
    return NOTIFY_KEYS.some(affects) ? 'notify' : 'none';
}
