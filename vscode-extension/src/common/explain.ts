import * as vscode from 'vscode';

export const EXPLANATION_SCHEME = 'opsc-terms-explanation';

/** Read-only documents holding rule explanations, shown through the Markdown preview. */
export class Explanations implements vscode.TextDocumentContentProvider, vscode.Disposable {
    private readonly texts = new Map<string, string>();
    private readonly changed = new vscode.EventEmitter<vscode.Uri>();
    readonly onDidChange = this.changed.event;

    provideTextDocumentContent(uri: vscode.Uri): string {
        return this.texts.get(uri.path) ?? '';
    }

    /** Store (or refresh) the explanation of a rule and return the document's URI. */
    set(rule: string, markdown: string): vscode.Uri {
        const uri = vscode.Uri.from({ scheme: EXPLANATION_SCHEME, path: `/${rule}.md` });
        this.texts.set(uri.path, markdown);
        this.changed.fire(uri);
        return uri;
    }

    dispose(): void {
        this.changed.dispose();
    }
}

/**
 * Show an explanation beside the editor, rendered by the built-in Markdown preview;
 * where that is unavailable, open the Markdown source instead.
 */
export async function showExplanation(explanations: Explanations, rule: string, markdown: string): Promise<void> {
    const uri = explanations.set(rule, markdown);
    try {
        await vscode.commands.executeCommand('markdown.showLockedPreviewToSide', uri);
    } catch {
        const document = await vscode.workspace.openTextDocument(uri);
        await vscode.languages.setTextDocumentLanguage(document, 'markdown');
        await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
}
