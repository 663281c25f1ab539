/**
 * Why this file exists: tsconfig uses `moduleResolution: "node"`, which ignores package.json `exports`,
 * and the LSP libraries only expose their Node entry points (`…/node`) through `exports`. At run time
 * (Node, esbuild) the `exports` map is honoured, so only the type checker needs this mapping.
 * It can go once tsconfig moves to `module`/`moduleResolution: "node16"` (the tree checks clean with it).
 */
declare module 'vscode-languageserver/node' { export * from 'vscode-languageserver/lib/node/main'; }
declare module 'vscode-languageclient/node' { export * from 'vscode-languageclient/lib/node/main'; }
declare module 'vscode-languageserver-protocol/node' { export * from 'vscode-languageserver-protocol/lib/node/main'; }
declare module 'vscode-jsonrpc/node' { export * from 'vscode-jsonrpc/lib/node/main'; }
