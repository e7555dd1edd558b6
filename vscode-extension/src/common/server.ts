import * as vscode from 'vscode';
import {
    DidChangeConfigurationNotification,
    ExecuteCommandRequest,
    LanguageClient,
    State,
} from 'vscode-languageclient/node';
import { checkServerImportable } from './check';
import { CLIENT_ID, DISPLAY_NAME } from './constants';
import { describeInterpreter, PythonEnvironmentsApi, resolveInterpreter } from './interpreter';
import { clientOptions, didChangeConfigurationParams, serverExecutable } from './launch';
import { log, outputChannel } from './log';
import { showServerProblem } from './prompts';
import { readSettings, toServerSettings } from './settings';

/**
 * Owns the one language client. Starts and restarts run one after another, so a
 * burst of settings changes never leaves two servers running.
 */
export class ServerManager implements vscode.Disposable {
    private client: LanguageClient | undefined;
    private queue: Promise<void> = Promise.resolve();

    constructor(private readonly pythonApi: PythonEnvironmentsApi | undefined) {}

    /** The client, when its server is up. */
    get running(): LanguageClient | undefined {
        return this.client?.state === State.Running ? this.client : undefined;
    }

    /** Stop the current server (if any) and start a new one with the current settings. */
    restart(reason: string): Promise<void> {
        this.queue = this.queue.then(
            () => this.replaceClient(reason),
            () => this.replaceClient(reason),
        );
        return this.queue;
    }

    /** Send the current settings to the running server (no restart needed). */
    async notifySettings(): Promise<void> {
        const client = this.running;
        if (client === undefined) {
            return;
        }
        const settings = toServerSettings(readSettings());
        log.info(`Settings changed; sending them to the server: ${JSON.stringify(settings)}`);
        await client.sendNotification(DidChangeConfigurationNotification.type, didChangeConfigurationParams(settings));
    }

    /** Run one of the server's `workspace/executeCommand` commands. */
    async executeCommand<T>(command: string, args: unknown[]): Promise<T | undefined> {
        const client = this.running;
        if (client === undefined) {
            throw new Error('The opsc-terms server is not running.');
        }
        return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T | undefined;
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client === undefined) {
            return;
        }
        try {
            await client.dispose(2000);
        } catch (error) {
            log.warn(`Stopping the server: ${String(error)}`);
        }
    }

    dispose(): void {
        void this.stop();
    }

    private async replaceClient(reason: string): Promise<void> {
        await this.stop();
        const settings = readSettings();
        const folder = vscode.workspace.workspaceFolders?.[0];
        const interpreter = await resolveInterpreter({
            setting: settings.interpreter,
            pythonApi: this.pythonApi,
            resource: folder?.uri,
            workspaceFolder: folder?.uri.fsPath,
        });
        log.info(`Starting the server (${reason}) with ${describeInterpreter(interpreter)}`);

        const check = await checkServerImportable(interpreter.command);
        if (!check.ok) {
            log.error(`Cannot start the server: ${check.kind}: ${check.detail}`);
            void showServerProblem(interpreter, check, this.pythonApi !== undefined);
            return;
        }

        const client = new LanguageClient(
            CLIENT_ID,
            DISPLAY_NAME,
            serverExecutable(interpreter, folder?.uri.fsPath),
            clientOptions(toServerSettings(settings), outputChannel()),
        );
        this.client = client;
        try {
            await client.start();
            log.info('Server started.');
        } catch (error) {
            // vscode-languageclient has already shown its own error; keep the reason in the log.
            log.error(`The server failed to start: ${String(error)}`);
        }
    }
}
