import * as vscode from 'vscode';
import { CheckResult, problemMessage } from './check';
import { SECTION } from './constants';
import { Interpreter } from './interpreter';
import { outputChannel } from './log';

export const Buttons = {
    chooseInterpreter: 'Choose Interpreter…',
    copyInstall: 'Copy Install Command',
    showOutput: 'Show Output',
} as const;

/**
 * Let the user pick another interpreter: the Python extension's picker when it is
 * installed (its choice is what the extension uses first), otherwise a file
 * dialog whose answer goes into `opscTerms.interpreter`.
 */
export async function chooseInterpreter(hasPythonExtension: boolean): Promise<void> {
    if (hasPythonExtension) {
        await vscode.commands.executeCommand('python.setInterpreter');
        return;
    }
    const picked = await vscode.window.showOpenDialog({
        canSelectFiles: true,
        canSelectFolders: false,
        canSelectMany: false,
        title: 'Python interpreter that has opsc-terms installed',
        openLabel: 'Use This Interpreter',
    });
    if (picked === undefined || picked.length === 0) {
        return;
    }
    const target = vscode.workspace.workspaceFolders?.length
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
    // The settings listener restarts the server when this changes.
    await vscode.workspace.getConfiguration(SECTION).update('interpreter', picked[0].fsPath, target);
}

/** Tell the user why the server is not running and offer the ways out. */
export async function showServerProblem(
    interpreter: Interpreter,
    result: Exclude<CheckResult, { ok: true }>,
    hasPythonExtension: boolean,
): Promise<void> {
    const { message, install } = problemMessage(interpreter, result);
    const buttons: string[] = [Buttons.chooseInterpreter];
    if (install !== undefined) {
        buttons.push(Buttons.copyInstall);
    }
    buttons.push(Buttons.showOutput);

    const choice = await vscode.window.showErrorMessage(message, ...buttons);
    if (choice === Buttons.chooseInterpreter) {
        await chooseInterpreter(hasPythonExtension);
    } else if (choice === Buttons.copyInstall && install !== undefined) {
        await vscode.env.clipboard.writeText(install);
    } else if (choice === Buttons.showOutput) {
        outputChannel().show();
    }
}
