import { fake, Uri } from './fake-vscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import type * as vscode from 'vscode';
import {
    expandInterpreterSetting,
    PythonEnvironmentsApi,
    pythonEnvironmentsApi,
    resolveInterpreter,
} from '../common/interpreter';

/** A Python extension API whose active environment is `executable` (or that fails). */
function pythonApi(executable: string | Error | undefined): PythonEnvironmentsApi {
    return {
        getActiveEnvironmentPath: () => {
            if (executable instanceof Error) {
                throw executable;
            }
            return { id: 'env', path: executable ?? '' };
        },
        resolveEnvironment: async () =>
            typeof executable === 'string'
                ? { executable: { uri: Uri.file(executable) as unknown as vscode.Uri } }
                : undefined,
        onDidChangeActiveEnvironmentPath: () => ({ dispose: () => undefined }),
    };
}

describe('interpreter resolution order', () => {
    beforeEach(() => fake.reset());

    it('uses the Python extension first, even when the setting is set', async () => {
        const result = await resolveInterpreter({
            setting: '/opt/other/bin/python',
            pythonApi: pythonApi('/home/ana/.venv/bin/python'),
        });
        assert.deepEqual(result, { command: '/home/ana/.venv/bin/python', source: 'python-extension' });
    });

    it('falls back to the setting when the Python extension has no environment', async () => {
        for (const api of [pythonApi(undefined), pythonApi(new Error('not ready'))]) {
            const result = await resolveInterpreter({ setting: '/opt/other/bin/python', pythonApi: api });
            assert.deepEqual(result, { command: '/opt/other/bin/python', source: 'setting' });
        }
    });

    it('uses the setting without the Python extension', async () => {
        const result = await resolveInterpreter({ setting: '${workspaceFolder}/.venv/bin/python', workspaceFolder: '/home/ana/bills' });
        assert.deepEqual(result, { command: '/home/ana/bills/.venv/bin/python', source: 'setting' });
    });

    it('falls back to python3 on PATH (python on Windows)', async () => {
        assert.deepEqual(await resolveInterpreter({ setting: '', platform: 'linux' }), { command: 'python3', source: 'path' });
        assert.deepEqual(await resolveInterpreter({ setting: '  ', platform: 'darwin' }), { command: 'python3', source: 'path' });
        assert.deepEqual(await resolveInterpreter({ setting: '', platform: 'win32' }), { command: 'python', source: 'path' });
    });

    it('finds the Python extension API only when the extension is installed', async () => {
        assert.equal(await pythonEnvironmentsApi(), undefined);

        const environments = pythonApi('/usr/bin/python3');
        let activated = 0;
        fake.extensions.set('ms-python.python', {
            isActive: false,
            exports: undefined,
            activate: async () => {
                activated += 1;
                return { environments };
            },
        });
        assert.equal(await pythonEnvironmentsApi(), environments);
        assert.equal(activated, 1);
    });
});

describe('the interpreter setting', () => {
    it('expands variables, ~ and workspace-relative paths', () => {
        const home = '/home/ana';
        assert.equal(expandInterpreterSetting('', '/w', home), '');
        assert.equal(expandInterpreterSetting('python3.11', '/w', home), 'python3.11');
        assert.equal(expandInterpreterSetting('~/venvs/opsc/bin/python', '/w', home), path.join(home, 'venvs/opsc/bin/python'));
        assert.equal(expandInterpreterSetting('${userHome}/bin/python', '/w', home), '/home/ana/bin/python');
        assert.equal(expandInterpreterSetting('${workspaceFolder}/.venv/bin/python', '/w', home), '/w/.venv/bin/python');
        assert.equal(expandInterpreterSetting('.venv/bin/python', '/w', home), path.resolve('/w', '.venv/bin/python'));
        assert.equal(expandInterpreterSetting('/usr/bin/python3', '/w', home), '/usr/bin/python3');
    });
});
