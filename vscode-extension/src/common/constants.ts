// One name drives the settings section, the client id (which is also how
// vscode-languageclient finds `opscTerms.trace.server`) and the command ids.
export const SECTION = 'opscTerms';
export const CLIENT_ID = SECTION;
export const DISPLAY_NAME = 'opsc-terms';

/** The module that runs the server over stdio. */
export const SERVER_MODULE = 'opsc_terms.lsp_server';

/**
 * The opsc-terms release this extension belongs to (RELEASING.md bumps it with the
 * extension's own version). opsc-terms is not on PyPI: it installs from the wheel attached
 * to that release on GitHub, which needs no git and no build tools.
 */
export const PACKAGE_VERSION = '0.1.0';
export const PACKAGE_WHEEL_URL =
    `https://github.com/opsc-terms/opsc-terms/releases/download/v${PACKAGE_VERSION}/` +
    `opsc_terms-${PACKAGE_VERSION}-py3-none-any.whl`;

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
