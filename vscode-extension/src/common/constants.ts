// One name drives the settings section, the client id (which is also how
// vscode-languageclient finds `opscTerms.trace.server`) and the command ids.
export const SECTION = 'opscTerms';
export const CLIENT_ID = SECTION;
export const DISPLAY_NAME = 'opsc-terms';

/** The Python package that provides the server, and the module that runs it over stdio. */
export const PYTHON_PACKAGE = 'opsc-terms';
export const SERVER_MODULE = 'opsc_terms.lsp_server';

export const DEFAULT_LANGUAGES: readonly string[] = ['plaintext', 'markdown', 'html', 'restructuredtext', 'latex'];

/** Commands this extension contributes (package.json `contributes.commands`). */
export const Commands = {
    restartServer: 'opscTerms.restartServer',
    showOutput: 'opscTerms.showOutput',
    explainRuleAtCursor: 'opscTerms.explainRuleAtCursor',
    fixAllInDocument: 'opscTerms.fixAllInDocument',
} as const;

/**
 * Commands the server executes (`workspace/executeCommand`). vscode-languageclient
 * registers these ids as VS Code commands while the server runs, so the extension's
 * own commands above must use other ids.
 */
export const ServerCommands = {
    fixAll: 'opscTerms.fixAll',
    explainRule: 'opscTerms.explainRule',
    explainAt: 'opscTerms.explainAt',
} as const;

export const PYTHON_EXTENSION_ID = 'ms-python.python';
