import { fake } from './fake-vscode';
import * as assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { DEFAULT_LANGUAGES } from '../common/constants';
import { clientOptions, didChangeConfigurationParams, initializationOptions, serverExecutable } from '../common/launch';
import { reactionTo, readSettings, toServerSettings } from '../common/settings';

function changeOf(...keys: string[]): vscode.ConfigurationChangeEvent {
    // VS Code reports a change to `a.b.c` as affecting `a`, `a.b` and `a.b.c`.
    return {
        affectsConfiguration: (section: string) =>
            keys.some((key) => key === section || key.startsWith(`${section}.`)),
    };
}

const channel = {} as vscode.LogOutputChannel;

describe('settings', () => {
    beforeEach(() => fake.reset());

    it('falls back to the defaults when nothing is set', () => {
        assert.deepEqual(readSettings(), {
            interpreter: '',
            profile: undefined,
            language: undefined,
            select: [],
            ignore: [],
            severity: {},
            languages: [...DEFAULT_LANGUAGES],
        });
    });

    it('reads what the user wrote, trimmed and without repeats', () => {
        fake.config.set('opscTerms.interpreter', '  /opt/venv/bin/python ');
        fake.config.set('opscTerms.profile', 'media');
        fake.config.set('opscTerms.language', ' fr ');
        fake.config.set('opscTerms.select', ['child-prostitute', ' child-pornography ', 'child-prostitute', 7, '']);
        fake.config.set('opscTerms.ignore', ['sextortion']);
        fake.config.set('opscTerms.severity', { 'child-prostitute': 'warning', 'child-sex-tourism': 3 });
        fake.config.set('opscTerms.languages', ['markdown', 'asciidoc']);
        assert.deepEqual(readSettings(), {
            interpreter: '/opt/venv/bin/python',
            profile: 'media',
            language: 'fr',
            select: ['child-prostitute', 'child-pornography'],
            ignore: ['sextortion'],
            severity: { 'child-prostitute': 'warning' },
            languages: ['markdown', 'asciidoc'],
        });
    });

    it('passes unknown profiles and levels on for the server to report', () => {
        fake.config.set('opscTerms.profile', 'tabloid');
        fake.config.set('opscTerms.severity', { 'child-prostitute': 'fatal' });
        const settings = toServerSettings(readSettings());
        assert.equal(settings.profile, 'tabloid');
        assert.deepEqual(settings.severity, { 'child-prostitute': 'fatal' });
    });

    it("sends no profile or language unless the user chose one, so the project's configuration file decides", () => {
        assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(toServerSettings(readSettings())))).sort(), [
            'ignore',
            'languages',
            'select',
            'severity',
        ]);
        fake.config.set('opscTerms.profile', 'default');
        assert.equal(readSettings().profile, 'default');
        fake.config.set('opscTerms.language', 'es');
        assert.equal(toServerSettings(readSettings()).language, 'es');
    });

    it('uses the defaults for values of the wrong type', () => {
        fake.config.set('opscTerms.profile', 3);
        fake.config.set('opscTerms.select', 'child-prostitute');
        fake.config.set('opscTerms.severity', ['error']);
        fake.config.set('opscTerms.languages', 'markdown');
        const settings = readSettings();
        assert.equal(settings.profile, undefined);
        assert.deepEqual(settings.select, []);
        assert.deepEqual(settings.severity, {});
        assert.deepEqual(settings.languages, [...DEFAULT_LANGUAGES]);
    });

    it('keeps an empty language list (the user switched checking off)', () => {
        fake.config.set('opscTerms.languages', []);
        assert.deepEqual(readSettings().languages, []);
    });

    it('keeps the interpreter on the client side', () => {
        fake.config.set('opscTerms.interpreter', '/opt/venv/bin/python');
        assert.deepEqual(Object.keys(toServerSettings(readSettings())).sort(), [
            'ignore',
            'language',
            'languages',
            'profile',
            'select',
            'severity',
        ]);
    });
});

describe('settings to server options', () => {
    beforeEach(() => fake.reset());

    it('starts the server module with the chosen interpreter', () => {
        const executable = serverExecutable({ command: '/opt/venv/bin/python', source: 'setting' }, '/home/ana/bills', {
            PATH: '/usr/bin',
        });
        assert.equal(executable.command, '/opt/venv/bin/python');
        assert.deepEqual(executable.args, ['-m', 'opsc_terms.lsp_server']);
        assert.equal(executable.options?.cwd, '/home/ana/bills');
        assert.deepEqual(executable.options?.env, { PATH: '/usr/bin', PYTHONUTF8: '1', PYTHONUNBUFFERED: '1' });
    });

    it('passes the settings at start and on change', () => {
        fake.config.set('opscTerms.profile', 'media');
        fake.config.set('opscTerms.ignore', ['sextortion']);
        fake.config.set('opscTerms.severity', { 'child-prostitute': 'info' });
        const settings = toServerSettings(readSettings());
        const options = clientOptions(settings, channel);
        const expected = {
            profile: 'media',
            language: undefined,
            select: [],
            ignore: ['sextortion'],
            severity: { 'child-prostitute': 'info' },
            languages: [...DEFAULT_LANGUAGES],
        };
        assert.deepEqual(options.initializationOptions, expected);
        assert.deepEqual(initializationOptions(settings), expected);
        assert.deepEqual(didChangeConfigurationParams(settings), { settings: { opscTerms: expected } });
        assert.equal(options.outputChannel, channel);
    });

    it('hands the server saved and unsaved documents of the configured languages only', () => {
        fake.config.set('opscTerms.languages', ['markdown', 'latex']);
        const options = clientOptions(toServerSettings(readSettings()), channel);
        assert.deepEqual(options.documentSelector, [
            { scheme: 'file', language: 'markdown' },
            { scheme: 'untitled', language: 'markdown' },
            { scheme: 'file', language: 'latex' },
            { scheme: 'untitled', language: 'latex' },
        ]);
    });

    it("sends setting changes once: the client's own copy is held back", async () => {
        const options = clientOptions(toServerSettings(readSettings()), channel);
        const hook = options.middleware?.workspace?.didChangeConfiguration;
        assert.ok(hook, 'the middleware intercepts didChangeConfiguration');
        let sent = 0;
        await hook(['opscTerms'], async () => {
            sent += 1;
        });
        assert.equal(sent, 0);
    });

    it('restarts for the interpreter and languages, notifies for rule settings, ignores the rest', () => {
        assert.equal(reactionTo(changeOf('opscTerms.interpreter')), 'restart');
        assert.equal(reactionTo(changeOf('opscTerms.languages')), 'restart');
        assert.equal(reactionTo(changeOf('opscTerms.profile', 'opscTerms.interpreter')), 'restart');
        for (const key of ['profile', 'select', 'ignore', 'severity']) {
            assert.equal(reactionTo(changeOf(`opscTerms.${key}`)), 'notify', key);
        }
        assert.equal(reactionTo(changeOf('opscTerms.trace.server')), 'none');
        assert.equal(reactionTo(changeOf('editor.fontSize')), 'none');
    });
});
