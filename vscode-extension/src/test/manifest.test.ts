// package.json is what VS Code reads: its settings, commands and activation must
// agree with what the code uses.
import './fake-vscode';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Commands, DEFAULT_LANGUAGES, SECTION } from '../common/constants';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const properties: Record<string, { default?: unknown }> = manifest.contributes.configuration.properties;

describe('package.json', () => {
    it('contributes every setting the extension reads', () => {
        const expected = ['interpreter', 'profile', 'language', 'select', 'ignore', 'severity', 'languages', 'trace.server'];
        assert.deepEqual(Object.keys(properties).sort(), expected.map((key) => `${SECTION}.${key}`).sort());
    });

    it('uses the same default languages as the code and activates on each of them', () => {
        assert.deepEqual(properties[`${SECTION}.languages`].default, DEFAULT_LANGUAGES);
        for (const language of DEFAULT_LANGUAGES) {
            assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`), language);
        }
    });

    it('contributes every command the extension registers', () => {
        const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
        assert.deepEqual(contributed, Object.values(Commands).sort());
    });

    it('has what the Marketplace asks for', () => {
        for (const field of ['name', 'displayName', 'description', 'publisher', 'license', 'icon', 'version']) {
            assert.ok(manifest[field], field);
        }
        assert.ok(manifest.repository.url);
        assert.ok(manifest.categories.includes('Linters'));
        assert.ok(manifest.keywords.length > 0);
        assert.ok(fs.existsSync(path.join(__dirname, '..', '..', manifest.icon)), manifest.icon);
        assert.match(manifest.engines.vscode, /^\^1\.\d+\.\d+$/);
    });
});
