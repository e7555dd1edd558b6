// End-to-end test of the extension in a real VS Code: code-server 4.100.3 (VS Code 1.100)
// driven by headless Chromium through puppeteer-core.
//
//   node e2e/run.mjs [--update-screenshot]
//
// 1. a virtual environment in .e2e/venv with this repository's opsc-terms (pip install -e);
// 2. code-server in .e2e/code-server (e2e/install-code-server.sh, once);
// 3. the .vsix (npm run package), installed into a fresh code-server profile whose
//    settings point opscTerms.interpreter at the venv's python;
// 4. a Markdown bill with a plain use, an official title and a quoted mention: the Problems
//    panel must list exactly the plain use, as an error with its rule and position (the
//    mention is a hint, which the panel does not list, and the title is not reported);
//    Explain Rule at Cursor must open the
//    explanation; the quick fix applied from the editor must change the text on disk;
// 5. an interpreter without opsc-terms must bring up the install message.
//
// Screenshots and logs of the last run stay in .e2e/run/. --update-screenshot also
// copies one to images/screenshot.png, the picture in the README.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(extensionDir, '..');
const cache = path.join(extensionDir, '.e2e');
const codeServerDir = path.join(cache, 'code-server');
const runDir = path.join(cache, 'run');
const updateScreenshot = process.argv.includes('--update-screenshot');

const SAMPLE_NAME = 'bill.md';
// Line 3: plain use (reported). Line 5: the Optional Protocol's official title (not
// reported). Line 7: a quoted mention of the term (a hint only).
const SAMPLE = [
    '# Online Safety Bill: explanatory note',
    '',
    "Police seized child pornography from the suspect's laptop.",
    '',
    'The State is party to the Optional Protocol on the sale of children, child prostitution and child pornography.',
    '',
    'The Committee asks States to avoid the term "child pornography".',
    '',
].join('\n');
const EXPECTED = { rule: 'child-pornography', line: 3, column: 15, replacement: 'child sexual abuse material' };

// A plain-text note with several fixable findings, for Fix All Safe Findings in Document.
const NOTE_NAME = 'note.txt';
const NOTE = 'Police rescued three child prostitutes.\nThe child sex tourists were arrested at the airport.\n';

const started = Date.now();
function step(message) {
    // Text read from the page can carry whole style sheets; keep the log readable.
    const text = String(message).replace(/\s+/g, ' ');
    const shown = text.length > 400 ? `${text.slice(0, 400)}…` : text;
    console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${shown}`);
}

function run(command, args, options = {}) {
    execFileSync(command, args, { stdio: 'inherit', ...options });
}

/** Poll `probe` until it returns a truthy value; fail with `what` after `timeoutMs`. */
async function waitFor(what, probe, timeoutMs = 60_000, intervalMs = 250) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
        try {
            last = await probe();
            if (last) {
                return last;
            }
        } catch (error) {
            last = error;
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    throw new Error(`Timed out after ${timeoutMs / 1000}s waiting for ${what} (last: ${String(last)})`);
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

function findChromium() {
    for (const candidate of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
        if (candidate && fs.existsSync(candidate)) {
            return candidate;
        }
    }
    throw new Error('Chromium not found: install the `chromium` package (or set CHROMIUM to its path).');
}

/** The project's own package, editable, in a venv of its own. */
function prepareVenv() {
    const venv = path.join(cache, 'venv');
    const python = path.join(venv, 'bin', 'python');
    if (!fs.existsSync(python)) {
        step('creating .e2e/venv');
        run(process.env.PYTHON || 'python3', ['-m', 'venv', venv]);
    }
    step('pip install -e <repository> into .e2e/venv');
    run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-e', repoRoot]);
    run(python, ['-c', 'import opsc_terms.lsp_server']);
    return python;
}

function buildVsix() {
    step('building the .vsix (npm run package)');
    run('npm', ['run', '--silent', 'package'], { cwd: extensionDir });
    return path.join(extensionDir, 'opsc-terms.vsix');
}

function codeServerEnv(home) {
    return {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        XDG_DATA_HOME: path.join(home, '.local', 'share'),
        XDG_CACHE_HOME: path.join(home, '.cache'),
    };
}

async function main() {
    const python = prepareVenv();
    step('installing code-server 4.100.3 into .e2e/code-server (skipped when present)');
    run('bash', [path.join(extensionDir, 'e2e', 'install-code-server.sh'), codeServerDir]);
    const vsix = buildVsix();

    fs.rmSync(runDir, { recursive: true, force: true });
    const dirs = Object.fromEntries(
        ['home', 'user-data', 'extensions', 'workspace', 'chromium'].map((name) => [name, path.join(runDir, name)]),
    );
    Object.values(dirs).forEach((dir) => fs.mkdirSync(dir, { recursive: true }));
    const env = codeServerEnv(dirs.home);
    const entry = path.join(codeServerDir, 'out', 'node', 'entry.js');
    const profileArgs = ['--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions];

    step('installing the .vsix into code-server');
    run(process.execPath, [entry, ...profileArgs, '--install-extension', vsix], { env });

    fs.mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
    const settingsPath = path.join(dirs['user-data'], 'User', 'settings.json');
    fs.writeFileSync(
        settingsPath,
        JSON.stringify(
            {
                'opscTerms.interpreter': python,
                'workbench.startupEditor': 'none',
                'workbench.tips.enabled': false,
                'workbench.colorTheme': 'Default Light Modern',
                'security.workspace.trust.enabled': false,
                'extensions.autoCheckUpdates': false,
                'extensions.ignoreRecommendations': true,
                'telemetry.telemetryLevel': 'off',
                'update.mode': 'none',
                'chat.commandCenter.enabled': false,
                'files.autoSave': 'off',
                'git.enabled': false,
                'window.commandCenter': false,
            },
            null,
            2,
        ),
    );
    const samplePath = path.join(dirs.workspace, SAMPLE_NAME);
    fs.writeFileSync(samplePath, SAMPLE);
    const notePath = path.join(dirs.workspace, NOTE_NAME);
    fs.writeFileSync(notePath, NOTE);
    // What the library's own safe fixes make of the note: Fix All must give the same text.
    const noteFixed = execFileSync(python, ['-c',
        'import sys, opsc_terms; t = sys.stdin.read(); sys.stdout.write(opsc_terms.fix(t, opsc_terms.check(t)))'],
    { input: NOTE, encoding: 'utf8', cwd: runDir });
    assert(noteFixed !== NOTE, 'the note must contain something to fix');
    const serverLog = () => {
        const logs = path.join(dirs['user-data'], 'logs');
        const found = fs.readdirSync(logs, { recursive: true }).find((file) => String(file).endsWith('opsc-terms.log'));
        return found ? fs.readFileSync(path.join(logs, String(found)), 'utf8') : '';
    };

    const port = await freePort();
    step(`starting code-server on 127.0.0.1:${port}`);
    const log = fs.openSync(path.join(runDir, 'code-server.log'), 'w');
    const server = spawn(
        process.execPath,
        [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
            '--disable-workspace-trust', '--disable-getting-started-override', ...profileArgs, dirs.workspace],
        { env, stdio: ['ignore', log, log] },
    );
    let browser;
    try {
        await waitFor('code-server to answer', async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 60_000);

        browser = await puppeteer.launch({
            executablePath: findChromium(),
            headless: true,
            userDataDir: dirs.chromium,
            env,
            args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
                '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-breakpad',
                '--disable-crash-reporter'],
            defaultViewport: { width: 1280, height: 800 },
        });
        const page = await browser.newPage();
        const payload = JSON.stringify([['openFile', `vscode-remote://127.0.0.1:${port}${samplePath}`]]);
        const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(payload)}`;
        step('opening the sample in the browser');
        await page.goto(url, { waitUntil: 'domcontentloaded' });
        try {
            await checkWorkbench(page, samplePath);
            await checkSettingsWithoutRestart(page, settingsPath, serverLog);
            await checkFixAll(page, notePath, noteFixed);
            await checkMissingPackage(page, settingsPath, path.join(runDir, 'bare-venv'));
        } catch (error) {
            // What a failed run leaves behind to look at: a picture, the status bar, the
            // settings as saved and the extension's log.
            await page.screenshot({ path: path.join(runDir, 'failure.png') }).catch(() => undefined);
            const status = await page.$eval('[id="status.problems"]', (el) => el.getAttribute('aria-label')).catch(() => '?');
            console.error(`[e2e] status bar at failure: ${status}`);
            console.error(`[e2e] settings.json: ${fs.readFileSync(settingsPath, 'utf8')}`);
            console.error(`[e2e] extension log (end):\n${serverLog().split('\n').slice(-40).join('\n')}`);
            throw error;
        }
    } finally {
        await browser?.close().catch(() => undefined);
        server.kill();
    }
    step('passed');
}

/** The rows of the Problems panel: the file row and one row per marker. */
function problemRows(page) {
    return page.$$eval('.markers-panel .monaco-list-row', (rows) =>
        rows.map((row) => ({ label: row.getAttribute('aria-label') ?? '', text: row.textContent ?? '' })),
    );
}

async function checkWorkbench(page, samplePath) {
    await waitFor('the editor with the sample', () =>
        page.$$eval('.tabs-container .tab', (tabs) => tabs.map((t) => t.textContent).join('|')).then((t) => t.includes(SAMPLE_NAME)),
    );
    step('waiting for diagnostics in the status bar');
    const status = await waitFor('a problem count in the status bar', async () => {
        const label = await page.$eval('[id="status.problems"]', (el) => el.getAttribute('aria-label') ?? el.textContent);
        return label && /Errors: [1-9]/.test(label) ? label : undefined;
    }, 90_000);
    step(`status bar: ${status}`);

    step('opening the Problems panel');
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.down('Control');
    await page.keyboard.down('Shift');
    await page.keyboard.press('KeyM');
    await page.keyboard.up('Shift');
    await page.keyboard.up('Control');
    const rows = await waitFor('markers in the Problems panel', async () => {
        const found = await problemRows(page);
        return found.some((row) => / at line \d+ and character \d+/.test(row.label)) ? found : undefined;
    });
    for (const row of rows) {
        step(`problem row: ${row.label} | ${row.text}`);
    }
    const markers = rows
        .map((row) => ({ ...row, match: /^(Error|Warning|Info|Problem): (.*) at line (\d+) and character (\d+)/s.exec(row.label) }))
        .filter((row) => row.match);
    const found = markers.map((row) => ({
        severity: row.match[1],
        line: Number(row.match[3]),
        column: Number(row.match[4]),
        rule: row.text.includes(EXPECTED.rule) ? EXPECTED.rule : row.text,
        fromOpscTerms: row.text.includes('opsc-terms'),
    }));
    // Exactly the plain use: the official title (line 5) is not reported and the quoted
    // mention (line 7) is a hint, which the Problems panel does not list.
    const expected = [
        { severity: 'Error', line: EXPECTED.line, column: EXPECTED.column, rule: EXPECTED.rule, fromOpscTerms: true },
    ];
    assert(JSON.stringify(found) === JSON.stringify(expected),
        `Problems panel:\n  got      ${JSON.stringify(found)}\n  expected ${JSON.stringify(expected)}`);
    const plain = markers[0];

    await page.screenshot({ path: path.join(runDir, 'diagnostics.png') });

    step('explaining the rule at the cursor (command palette)');
    await revealMarker(page, plain.label);
    await runCommand(page, 'opsc-terms: Explain Rule at Cursor');
    const previewTab = await waitFor('the explanation in the Markdown preview', () =>
        page.$$eval('.tabs-container .tab', (tabs) => tabs.map((t) => t.getAttribute('aria-label') ?? t.textContent ?? ''))
            .then((labels) => labels.find((label) => label.includes(`${EXPECTED.rule}.md`))));
    step(`explanation opened: ${previewTab}`);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let the preview render for the picture
    await page.screenshot({ path: path.join(runDir, 'explanation.png') });
    if (updateScreenshot) {
        // The README's picture: the findings, the Problems panel and the explanation.
        const picture = path.join(extensionDir, 'images', 'screenshot.png');
        fs.copyFileSync(path.join(runDir, 'explanation.png'), picture);
        step(`screenshot saved to ${path.relative(extensionDir, picture)}`);
    }

    step('applying the quick fix from the editor');
    await revealMarker(page, plain.label);
    await page.keyboard.down('Control');
    await page.keyboard.press('Period');
    await page.keyboard.up('Control');
    const items = await waitFor('the quick fix menu', async () => {
        const labels = await page.$$eval('.action-widget .monaco-list-row', (els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent));
        return labels.length > 0 ? labels : undefined;
    });
    step(`quick fixes offered: ${items.join(' | ')}`);
    await page.screenshot({ path: path.join(runDir, 'quick-fix.png') });
    const target = items.findIndex((label) => label.includes(EXPECTED.replacement));
    assert(target >= 0, `no quick fix offers "${EXPECTED.replacement}"`);
    const menuRows = await page.$$('.action-widget .monaco-list-row');
    await menuRows[target].click();
    await saveActiveEditor(page);

    const text = await waitFor('the fixed text on disk', () => {
        const current = fs.readFileSync(samplePath, 'utf8');
        return current !== SAMPLE ? current : undefined;
    }, 30_000);
    const lines = text.split('\n');
    const original = SAMPLE.split('\n');
    assert(lines[2] === `Police seized ${EXPECTED.replacement} from the suspect's laptop.`, `line 3 after the fix: ${lines[2]}`);
    assert(lines[4] === original[4] && lines[6] === original[6], 'the title and the mention must be left as they were');
    await page.screenshot({ path: path.join(runDir, 'fixed.png') });
    step(`line 3 now reads: ${lines[2]}`);
}

/** Open the Settings editor, search for `key` and return the element `selector` of that setting. */
async function findSetting(page, key, selector) {
    await runCommand(page, 'Preferences: Open User Settings');
    await page.waitForSelector('.settings-editor .suggest-input-container .monaco-editor', { visible: true });
    await page.click('.settings-editor .suggest-input-container .monaco-editor');
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.type(key);
    // Wait for the search to settle: the list re-renders while results come in.
    await waitFor(`the search for ${key}`, () =>
        page.$eval('.settings-editor .settings-count-widget', (el) => el.textContent === '1 Setting Found'), 30_000);
    return waitFor(`the ${key} setting`, () =>
        page.$(`.settings-editor .setting-item-contents[data-key="${key}"] ${selector}`), 30_000);
}

/**
 * Change a setting through the Settings editor with `enter`, until the user settings file
 * shows `key` as `value` (a second try if the first input got lost while the editor was
 * still rendering; what is under test is the extension's reaction, not the settings UI).
 */
async function changeSetting(page, settingsPath, key, value, enter) {
    const saved = () => JSON.stringify(JSON.parse(fs.readFileSync(settingsPath, 'utf8'))[key]) === JSON.stringify(value);
    for (let attempt = 1; ; attempt++) {
        await enter();
        try {
            await waitFor(`${key} in settings.json`, saved, 5_000);
            return;
        } catch (error) {
            if (attempt === 2) {
                throw error;
            }
            step(`${key} not saved yet; entering it again`);
        }
    }
}

/**
 * Add the rule to opscTerms.ignore in the Settings editor: the running server must drop
 * its findings without being restarted.
 */
async function checkSettingsWithoutRestart(page, settingsPath, serverLog) {
    step(`adding ${EXPECTED.rule} to opscTerms.ignore in the Settings editor`);
    const starts = () => serverLog().split('\n').filter((line) => line.includes('Starting the server')).length;
    assert(starts() === 1, `the server should have started once so far, started ${starts()} times`);
    await changeSetting(page, settingsPath, 'opscTerms.ignore', [EXPECTED.rule], async () => {
        const add = await findSetting(page, 'opscTerms.ignore', '.setting-list-addButton');
        await add.click();
        await page.waitForSelector('.setting-list-edit-row input', { visible: true });
        await page.keyboard.type(EXPECTED.rule);
        await page.keyboard.press('Enter');
    });
    const status = await waitFor('the findings to go', () =>
        page.$eval('[id="status.problems"]', (el) => el.getAttribute('aria-label') ?? '')
            .then((label) => (/Errors: 0/.test(label) && !/Infos: [1-9]/.test(label)) || label === 'No Problems' ? label : undefined),
    30_000);
    step(`status bar: ${status}`);
    assert(starts() === 1, 'changing opscTerms.ignore must not restart the server');
    // The output channel reaches its log file a moment after the server has answered.
    await waitFor('the extension to log the settings it sent the server',
        () => serverLog().includes(`"ignore":["${EXPECTED.rule}"]`), 10_000);
}

/** Fix All Safe Findings in Document on a plain-text note: the saved text must be the library's fix. */
async function checkFixAll(page, notePath, expected) {
    step('fix all safe findings in a plain-text note (command palette)');
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyP');
    await page.keyboard.up('Control');
    await page.waitForSelector('.quick-input-widget input', { visible: true });
    await page.keyboard.type(NOTE_NAME);
    await waitFor(`${NOTE_NAME} in quick open`, () =>
        page.$$eval('.quick-input-list .monaco-list-row', (rows, name) => rows.some((r) => (r.getAttribute('aria-label') ?? '').includes(name)), NOTE_NAME));
    await page.keyboard.press('Enter');
    await waitFor(`findings in ${NOTE_NAME}`, () =>
        page.$eval('[id="status.problems"]', (el) => el.getAttribute('aria-label') ?? '').then((label) => /Errors: [1-9]/.test(label)));
    await runCommand(page, 'opsc-terms: Fix All Safe Findings in Document');
    await waitFor('the fixes in the editor', () =>
        page.$eval('[id="status.problems"]', (el) => el.getAttribute('aria-label') ?? '').then((label) => /Errors: 0/.test(label) || label === 'No Problems'));
    await saveActiveEditor(page);
    const text = await waitFor('the fixed note on disk', () => {
        const current = fs.readFileSync(notePath, 'utf8');
        return current !== NOTE ? current : undefined;
    }, 30_000);
    assert(text === expected, `note after Fix All:\n${text}\nexpected:\n${expected}`);
    step(`note now reads: ${JSON.stringify(text)}`);
}

/**
 * Point the interpreter setting at a Python without opsc-terms: the server must not
 * start silently; a notification must name the interpreter and the install command.
 */
async function checkMissingPackage(page, settingsPath, bareVenv) {
    step('setting opscTerms.interpreter to a venv without opsc-terms in the Settings editor');
    run(process.env.PYTHON || 'python3', ['-m', 'venv', '--without-pip', bareVenv]);
    const bare = path.join(bareVenv, 'bin', 'python');
    await changeSetting(page, settingsPath, 'opscTerms.interpreter', bare, async () => {
        const input = await findSetting(page, 'opscTerms.interpreter', 'input');
        await input.click({ clickCount: 3 });
        await page.keyboard.type(bare);
        await page.keyboard.press('Tab');
    });
    const toast = await waitFor('the missing-package notification', () =>
        page.$$eval('.notification-toast', (toasts) => toasts.map((t) => t.textContent ?? ''))
            .then((texts) => texts.find((text) => text.includes('opsc-terms is not installed'))));
    step(`notification: ${toast}`);
    assert(toast.includes(bare), 'the notification names the interpreter');
    const { version } = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
    const wheel = `https://github.com/opsc-terms/opsc-terms/releases/download/v${version}/opsc_terms-${version}-py3-none-any.whl`;
    assert(toast.includes(`${bare} -m pip install ${wheel}`), 'the notification gives the install command');
    assert(toast.includes('Choose Interpreter'), 'the notification offers to choose another interpreter');
    await page.screenshot({ path: path.join(runDir, 'missing-package.png') });
}

/** Select a marker in the Problems panel and open it: the editor's cursor lands on the finding. */
async function revealMarker(page, label) {
    const rows = await page.$$('.markers-panel .monaco-list-row');
    const labels = await Promise.all(rows.map((row) => row.evaluate((el) => el.getAttribute('aria-label'))));
    const index = labels.indexOf(label);
    assert(index >= 0, `marker not in the Problems panel: ${label}`);
    await rows[index].click();
    await page.keyboard.press('Enter');
    await waitFor('the cursor in the editor', () =>
        page.evaluate(() => document.activeElement?.closest('.monaco-editor') != null));
}

/** Save the active editor once the edit has reached it (its tab shows it as modified). */
async function saveActiveEditor(page) {
    await waitFor('the edit in the editor', () => page.$('.tabs-container .tab.active.dirty'), 15_000);
    await runCommand(page, 'File: Save');
}

/** Run a command by its title through the command palette (F1), picking the entry with exactly that title. */
async function runCommand(page, title) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { visible: true });
    await page.keyboard.type(title);
    const index = await waitFor(`"${title}" in the command palette`, () =>
        page.$$eval('.quick-input-list .monaco-list-row', (rows, wanted) => {
            const found = rows.findIndex((row) => row.querySelector('.label-name')?.textContent?.trim() === wanted);
            return found >= 0 ? found + 1 : undefined; // + 1: index 0 would read as "not yet"
        }, title));
    const rows = await page.$$('.quick-input-list .monaco-list-row');
    await rows[index - 1].click();
}

function assert(condition, message) {
    if (!condition) {
        throw new Error(`Assertion failed: ${message}`);
    }
}

main().catch((error) => {
    console.error(`[e2e] FAILED: ${error.stack ?? error}`);
    console.error(`[e2e] logs and screenshots: ${path.relative(process.cwd(), runDir) || runDir}`);
    process.exit(1);
});
