/**
 * Entry point of dist/server.js, started by the extension over IPC (or `--stdio`). The connection reads
 * its transport from the command line that vscode-languageclient passes.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from './languageServer';

const connection = createConnection(ProposedFeatures.all);

// A language server that dies takes diagnostics with it until VS Code restarts it: log and go on.
process.on('uncaughtException', err => connection.console.error(`uncaught: ${err.stack ?? err}`));
process.on('unhandledRejection', err => connection.console.error(`unhandled rejection: ${(err as Error)?.stack ?? err}`));

startLanguageServer(connection);
