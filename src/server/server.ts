// Placeholder: the language server lands with issue 4.
export {};
