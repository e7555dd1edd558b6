import * as vscode from 'vscode';
import { explainRuleAtCursor, fixAllInDocument } from './common/commands';
import { Commands } from './common/constants';
import { EXPLANATION_SCHEME, Explanations } from './common/explain';
import { pythonEnvironmentsApi } from './common/interpreter';
import { outputChannel } from './common/log';
import { ServerManager } from './common/server';
import { reactionTo } from './common/settings';

let manager: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const channel = outputChannel();
    const pythonApi = await pythonEnvironmentsApi();
    const explanations = new Explanations();
    const server = (manager = new ServerManager(pythonApi));

    context.subscriptions.push(
        channel,
        server,
        explanations,
        vscode.workspace.registerTextDocumentContentProvider(EXPLANATION_SCHEME, explanations),
        vscode.commands.registerCommand(Commands.restartServer, () => server.restart('restart command')),
        vscode.commands.registerCommand(Commands.showOutput, () => channel.show()),
        vscode.commands.registerCommand(Commands.explainRuleAtCursor, () => explainRuleAtCursor(server, explanations)),
        vscode.commands.registerCommand(Commands.fixAllInDocument, () => fixAllInDocument(server)),
        vscode.workspace.onDidChangeConfiguration((event) => {
            const reaction = reactionTo(event);
            if (reaction === 'restart') {
                void server.restart('settings changed');
            } else if (reaction === 'notify') {
                void server.notifySettings();
            }
        }),
    );
    if (pythonApi !== undefined) {
        context.subscriptions.push(
            pythonApi.onDidChangeActiveEnvironmentPath(() => void server.restart('Python interpreter changed')),
        );
    }

    void server.restart('activation');
}

export async function deactivate(): Promise<void> {
    await manager?.stop();
    manager = undefined;
}
