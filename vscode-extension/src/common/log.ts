import * as vscode from 'vscode';
import { DISPLAY_NAME } from './constants';

let channel: vscode.LogOutputChannel | undefined;

/**
 * The one output channel: the extension's own messages, the server's stderr and,
 * with `opscTerms.trace.server`, the protocol trace all go here.
 */
export function outputChannel(): vscode.LogOutputChannel {
    channel ??= vscode.window.createOutputChannel(DISPLAY_NAME, { log: true });
    return channel;
}

export const log = {
    info: (message: string): void => outputChannel().info(message),
    warn: (message: string): void => outputChannel().warn(message),
    error: (message: string | Error): void => outputChannel().error(message),
};
