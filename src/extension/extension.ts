import type * as vscode from 'vscode';
// Placeholder: the extension client lands with issue 4.
export function activate(_context: vscode.ExtensionContext): void { /* nothing yet */ }
export function deactivate(): void { /* nothing yet */ }
