import { fake, Uri } from './fake-vscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { checkServerImportable, classifyImportCheck, installCommand, problemMessage } from '../common/check';
import { Interpreter } from '../common/interpreter';
import { Buttons, showServerProblem } from '../common/prompts';

// The wheel attached to the release whose version the extension carries (RELEASING.md).
const version: string = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
const WHEEL = `https://github.com/opsc-terms/opsc-terms/releases/download/v${version}/opsc_terms-${version}-py3-none-any.whl`;

const venv: Interpreter = { command: '/home/ana/.venv/bin/python', source: 'setting' };

function failure(stderr: string, code: string | number = 1) {
    return { stderr, error: { code, message: `Command failed: ${stderr}` } };
}

const notInstalled = `Traceback (most recent call last):
  File "<string>", line 1, in <module>
ModuleNotFoundError: No module named 'opsc_terms'`;

describe('import check', () => {
    it('tells the known problems apart', () => {
        assert.deepEqual(classifyImportCheck({ stderr: '' }), { ok: true });
        assert.deepEqual(classifyImportCheck(failure('', 'ENOENT')), {
            ok: false,
            kind: 'no-interpreter',
            detail: 'Command failed: ',
        });
        assert.deepEqual(classifyImportCheck(failure(notInstalled)), {
            ok: false,
            kind: 'missing-package',
            detail: "ModuleNotFoundError: No module named 'opsc_terms'",
        });
        const noServer = "ModuleNotFoundError: No module named 'opsc_terms.lsp_server'";
        assert.deepEqual(classifyImportCheck(failure(noServer)), { ok: false, kind: 'no-server-module', detail: noServer });
        const brokenDependency = "Traceback (most recent call last):\nModuleNotFoundError: No module named 'pygls'";
        const broken = classifyImportCheck(failure(brokenDependency));
        assert.deepEqual(broken, { ok: false, kind: 'import-error', detail: brokenDependency });
        assert.equal(
            problemMessage(venv, broken as Exclude<typeof broken, { ok: true }>).message,
            'The opsc-terms language server failed to load in /home/ana/.venv/bin/python (from the opscTerms.interpreter ' +
                "setting): ModuleNotFoundError: No module named 'pygls'. See the output for details.",
        );
    });

    describe('with real processes', { skip: process.platform === 'win32' }, () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsc-terms-check-'));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        /** A stand-in interpreter: a shell script that prints `stderr` and exits with `status`. */
        function script(name: string, stderr: string, status: number): string {
            const file = path.join(dir, name);
            fs.writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "${stderr}" >&2\nexit ${status}\n`, { mode: 0o755 });
            return file;
        }

        it('passes when the import succeeds', async () => {
            assert.deepEqual(await checkServerImportable(script('ok', '', 0)), { ok: true });
        });

        it('reports a missing package', async () => {
            const result = await checkServerImportable(script('bare', "ModuleNotFoundError: No module named 'opsc_terms'", 1));
            assert.equal(result.ok === false && result.kind, 'missing-package');
        });

        it('reports an interpreter that does not exist', async () => {
            const result = await checkServerImportable(path.join(dir, 'no-such-python'));
            assert.equal(result.ok === false && result.kind, 'no-interpreter');
        });
    });
});

describe('the missing-package message', () => {
    beforeEach(() => fake.reset());

    it('names the interpreter and the command that installs opsc-terms into it', () => {
        const { message, install } = problemMessage(venv, { ok: false, kind: 'missing-package', detail: '' });
        assert.equal(install, '/home/ana/.venv/bin/python -m pip install ' + WHEEL);
        assert.match(message, /opsc-terms is not installed for the Python interpreter \/home\/ana\/\.venv\/bin\/python \(from the opscTerms\.interpreter setting\)/);
        assert.ok(message.includes(install), message);
        assert.match(message, /choose another interpreter/);
    });

    it('quotes an interpreter path with spaces', () => {
        const spaced: Interpreter = { command: 'C:\\Program Files\\Python311\\python.exe', source: 'python-extension' };
        assert.equal(installCommand(spaced), '"C:\\\\Program Files\\\\Python311\\\\python.exe" -m pip install ' + WHEEL);
        assert.equal(installCommand({ command: 'python3', source: 'path' }, true), 'python3 -m pip install --upgrade ' + WHEEL);
    });

    it('asks to upgrade an opsc-terms without the server, and to choose when there is no interpreter', () => {
        const old = problemMessage(venv, { ok: false, kind: 'no-server-module', detail: '' });
        assert.equal(old.install, '/home/ana/.venv/bin/python -m pip install --upgrade ' + WHEEL);
        const none = problemMessage({ command: 'python3', source: 'path' }, { ok: false, kind: 'no-interpreter', detail: 'spawn python3 ENOENT' });
        assert.equal(none.install, undefined);
        assert.match(none.message, /could not run the Python interpreter python3 \(looked up on PATH\)/);
    });

    it('is shown with a button to choose another interpreter and one to copy the command', async () => {
        fake.nextChoice = Buttons.copyInstall;
        await showServerProblem(venv, { ok: false, kind: 'missing-package', detail: '' }, false);
        const [shown] = fake.callsTo('showErrorMessage');
        assert.deepEqual(shown.args.slice(1), [Buttons.chooseInterpreter, Buttons.copyInstall, Buttons.showOutput]);
        assert.deepEqual(fake.callsTo('clipboard.writeText')[0].args, ['/home/ana/.venv/bin/python -m pip install ' + WHEEL]);
    });

    it('stores the interpreter picked in the file dialog when the Python extension is absent', async () => {
        fake.workspaceFolders = [{ uri: Uri.file('/home/ana/bills'), name: 'bills', index: 0 }];
        fake.nextChoice = Buttons.chooseInterpreter;
        fake.nextOpenDialog = [Uri.file('/opt/opsc/bin/python')];
        await showServerProblem(venv, { ok: false, kind: 'missing-package', detail: '' }, false);
        assert.equal(fake.callsTo('showOpenDialog').length, 1);
        // ConfigurationTarget.Workspace, since a folder is open.
        assert.deepEqual(fake.callsTo('configuration.update')[0].args, ['opscTerms.interpreter', '/opt/opsc/bin/python', 2]);
    });

    it("opens the Python extension's picker when it is installed", async () => {
        fake.nextChoice = Buttons.chooseInterpreter;
        await showServerProblem(venv, { ok: false, kind: 'no-interpreter', detail: '' }, true);
        const [shown] = fake.callsTo('showErrorMessage');
        assert.deepEqual(shown.args.slice(1), [Buttons.chooseInterpreter, Buttons.showOutput]);
        assert.deepEqual(fake.callsTo('executeCommand')[0].args, ['python.setInterpreter']);
        assert.equal(fake.callsTo('showOpenDialog').length, 0);
    });
});
