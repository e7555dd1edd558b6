import * as vscode from 'vscode';
import { DEFAULT_LANGUAGES, SECTION } from './constants';

export type Severity = 'error' | 'warning' | 'info';
export type Profile = 'default' | 'media';

const SEVERITIES: readonly string[] = ['error', 'warning', 'info'];
const PROFILES: readonly string[] = ['default', 'media'];

/** What the server is told: `initializationOptions` and `workspace/didChangeConfiguration`. */
export interface ServerSettings {
    profile: Profile;
    select: string[];
    ignore: string[];
    severity: Record<string, Severity>;
    languages: string[];
}

/** Everything under `opscTerms.*`, including what only the extension itself uses. */
export interface ExtensionSettings extends ServerSettings {
    interpreter: string;
}

/** Settings whose change needs a new server process rather than a notification. */
const RESTART_KEYS = ['interpreter', 'languages'];
/** Settings the running server takes from `workspace/didChangeConfiguration`. */
const NOTIFY_KEYS = ['profile', 'select', 'ignore', 'severity'];

function stringList(value: unknown): string[] {
    if (!Array.isArray(value)) {
        return [];
    }
    const seen = new Set<string>();
    for (const item of value) {
        if (typeof item === 'string' && item.trim() !== '') {
            seen.add(item.trim());
        }
    }
    return [...seen];
}

function severityMap(value: unknown): Record<string, Severity> {
    const result: Record<string, Severity> = {};
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return result;
    }
    for (const [rule, level] of Object.entries(value as Record<string, unknown>)) {
        // The settings editor validates against the schema, settings.json does not:
        // an unknown level is dropped here instead of being sent to the server.
        if (typeof level === 'string' && SEVERITIES.includes(level)) {
            result[rule] = level as Severity;
        }
    }
    return result;
}

/** Read `opscTerms.*` for a resource (or the workspace), cleaned up. */
export function readSettings(scope?: vscode.ConfigurationScope): ExtensionSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope);
    const interpreter = config.get<unknown>('interpreter');
    const profile = config.get<unknown>('profile');
    const languages = config.get<unknown>('languages');
    return {
        interpreter: typeof interpreter === 'string' ? interpreter.trim() : '',
        profile: typeof profile === 'string' && PROFILES.includes(profile) ? (profile as Profile) : 'default',
        select: stringList(config.get('select')),
        ignore: stringList(config.get('ignore')),
        severity: severityMap(config.get('severity')),
        languages: Array.isArray(languages) ? stringList(languages) : [...DEFAULT_LANGUAGES],
    };
}

/** The part of the settings the server understands (the interpreter stays with the client). */
export function toServerSettings(settings: ExtensionSettings): ServerSettings {
    const { profile, select, ignore, severity, languages } = settings;
    return { profile, select, ignore, severity, languages };
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
