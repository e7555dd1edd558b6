// How settings become the server's command line and the client's options. Only
// types come from vscode-languageclient here, so this maps cleanly in unit tests.
import type * as vscode from 'vscode';
import type { DidChangeConfigurationParams, Executable, LanguageClientOptions } from 'vscode-languageclient/node';
import { SECTION, SERVER_MODULE } from './constants';
import type { Interpreter } from './interpreter';
import { documentSelector, ServerSettings } from './settings';

/** `<python> -m opsc_terms.lsp_server`, over stdio. */
export function serverExecutable(interpreter: Interpreter, cwd?: string, env: NodeJS.ProcessEnv = process.env): Executable {
    return {
        command: interpreter.command,
        args: ['-m', SERVER_MODULE],
        options: {
            cwd,
            // UTF-8 on every platform for what the server logs to stderr, and no
            // buffering so the log shows up in the output channel as it happens.
            env: { ...env, PYTHONUTF8: '1', PYTHONUNBUFFERED: '1' },
        },
    };
}

/** Settings as `initializationOptions`: the `opscTerms` section's values. */
export function initializationOptions(settings: ServerSettings): ServerSettings {
    return settings;
}

/** Settings as `workspace/didChangeConfiguration` params, keyed by section like VS Code's own. */
export function didChangeConfigurationParams(settings: ServerSettings): DidChangeConfigurationParams {
    return { settings: { [SECTION]: settings } };
}

export function clientOptions(settings: ServerSettings, channel: vscode.LogOutputChannel): LanguageClientOptions {
    return {
        documentSelector: documentSelector(settings.languages),
        initializationOptions: initializationOptions(settings),
        outputChannel: channel,
        traceOutputChannel: channel,
        middleware: {
            workspace: {
                // The extension sends the settings itself when they change (see
                // ServerManager.notifySettings). Once the server registers for this
                // notification, vscode-languageclient would send its own copy of the raw
                // section as well, and the server would hear every change twice.
                didChangeConfiguration: async () => undefined,
            },
        },
    };
}
