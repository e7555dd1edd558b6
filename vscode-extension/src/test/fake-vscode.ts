// A small stand-in for the `vscode` module, so the helpers can be tested with
// plain Node. Loaded with `node --require`; it answers every `require('vscode')`.
// Tests reset it with `fake.reset()` and read what the code under test did.
import Module = require('node:module');
import * as path from 'node:path';

export interface Call {
    name: string;
    args: unknown[];
}

class FakeUri {
    constructor(
        readonly scheme: string,
        readonly path: string,
    ) {}
    get fsPath(): string {
        return path.normalize(this.path);
    }
    toString(): string {
        return `${this.scheme}://${this.path}`;
    }
    static file(p: string): FakeUri {
        return new FakeUri('file', p);
    }
    static from(parts: { scheme: string; path: string }): FakeUri {
        return new FakeUri(parts.scheme, parts.path);
    }
}

interface FakeExtension {
    isActive: boolean;
    exports: unknown;
    activate(): Promise<unknown>;
}

export const fake = {
    /** Settings by full key, e.g. `opscTerms.profile`. */
    config: new Map<string, unknown>(),
    extensions: new Map<string, FakeExtension>(),
    workspaceFolders: undefined as { uri: FakeUri; name: string; index: number }[] | undefined,
    /** What the next message box answers (the label of the button "clicked"). */
    nextChoice: undefined as string | undefined,
    /** What the next file dialog answers. */
    nextOpenDialog: undefined as FakeUri[] | undefined,
    calls: [] as Call[],

    reset(): void {
        this.config.clear();
        this.extensions.clear();
        this.workspaceFolders = undefined;
        this.nextChoice = undefined;
        this.nextOpenDialog = undefined;
        this.calls = [];
    },
    callsTo(name: string): Call[] {
        return this.calls.filter((call) => call.name === name);
    },
};

function record(name: string, ...args: unknown[]): void {
    fake.calls.push({ name, args });
}

const channel = {
    info: (m: string) => record('log.info', m),
    warn: (m: string) => record('log.warn', m),
    error: (m: unknown) => record('log.error', m),
    show: () => record('channel.show'),
    dispose: () => undefined,
};

const vscodeFake = {
    Uri: FakeUri,
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ViewColumn: { Active: -1, Beside: -2 },
    workspace: {
        get workspaceFolders() {
            return fake.workspaceFolders;
        },
        getConfiguration(section: string) {
            return {
                get<T>(key: string, defaultValue?: T): T | undefined {
                    const full = `${section}.${key}`;
                    return fake.config.has(full) ? (fake.config.get(full) as T) : defaultValue;
                },
                // Whatever a test stored counts as set in the user settings.
                inspect<T>(key: string) {
                    const full = `${section}.${key}`;
                    return { key: full, globalValue: fake.config.get(full) as T | undefined };
                },
                async update(key: string, value: unknown, target: number): Promise<void> {
                    record('configuration.update', `${section}.${key}`, value, target);
                    fake.config.set(`${section}.${key}`, value);
                },
            };
        },
    },
    extensions: {
        getExtension(id: string) {
            return fake.extensions.get(id);
        },
    },
    window: {
        createOutputChannel: () => channel,
        async showErrorMessage(message: string, ...items: string[]) {
            record('showErrorMessage', message, ...items);
            return fake.nextChoice;
        },
        async showOpenDialog(options: unknown) {
            record('showOpenDialog', options);
            return fake.nextOpenDialog;
        },
    },
    commands: {
        async executeCommand(command: string, ...args: unknown[]) {
            record('executeCommand', command, ...args);
            return undefined;
        },
    },
    env: {
        clipboard: {
            async writeText(text: string) {
                record('clipboard.writeText', text);
            },
        },
    },
};

// Answer `require('vscode')` with the fake; everything else loads as usual.
const moduleInternals = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
const originalLoad = moduleInternals._load;
moduleInternals._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscodeFake : originalLoad.call(this, request, ...rest);
};

export const Uri = FakeUri;
