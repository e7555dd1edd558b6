import * as vscode from 'vscode';
import { Commands, ServerCommands } from './constants';
import { Explanations, showExplanation } from './explain';
import { log } from './log';
import { ServerManager } from './server';

/** What `opscTerms.explainAt` answers: the rule under the cursor and its explanation. */
interface ExplainAtResult {
    rule: string;
    markdown: string;
}

/** The active editor and the running client, or a message saying which is missing. */
function editorAndServer(manager: ServerManager): { editor: vscode.TextEditor; uri: string } | undefined {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) {
        void vscode.window.showInformationMessage('Open a document first.');
        return undefined;
    }
    const client = manager.running;
    if (client === undefined) {
        void vscode.window
            .showWarningMessage('The opsc-terms server is not running.', 'Restart Server', 'Show Output')
            .then((choice) => {
                if (choice === 'Restart Server') {
                    void vscode.commands.executeCommand(Commands.restartServer);
                } else if (choice === 'Show Output') {
                    void vscode.commands.executeCommand(Commands.showOutput);
                }
            });
        return undefined;
    }
    return { editor, uri: client.code2ProtocolConverter.asUri(editor.document.uri) };
}

export async function explainRuleAtCursor(manager: ServerManager, explanations: Explanations): Promise<void> {
    const target = editorAndServer(manager);
    if (target === undefined) {
        return;
    }
    // The start of a selection: revealing a problem selects the whole term and leaves the
    // cursor after its last character, which is outside the finding.
    const { line, character } = target.editor.selection.start;
    try {
        const result = await manager.executeCommand<ExplainAtResult | null>(ServerCommands.explainAt, [
            target.uri,
            { line, character },
        ]);
        if (result === null || result === undefined) {
            void vscode.window.showInformationMessage('No opsc-terms finding at the cursor.');
            return;
        }
        await showExplanation(explanations, result.rule, result.markdown);
    } catch (error) {
        log.error(`Explain rule at cursor: ${String(error)}`);
        void vscode.window.showErrorMessage(`opsc-terms could not explain the rule: ${String(error)}`);
    }
}

export async function fixAllInDocument(manager: ServerManager): Promise<void> {
    const target = editorAndServer(manager);
    if (target === undefined) {
        return;
    }
    try {
        // The server sends the edit back (workspace/applyEdit) and answers with a count.
        const result = await manager.executeCommand<{ fixes?: number } | null>(ServerCommands.fixAll, [target.uri]);
        if (result?.fixes === 0) {
            void vscode.window.showInformationMessage('opsc-terms: nothing to fix safely in this document.');
        }
    } catch (error) {
        log.error(`Fix all: ${String(error)}`);
        void vscode.window.showErrorMessage(`opsc-terms could not fix the document: ${String(error)}`);
    }
}
