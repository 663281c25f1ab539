/**
 * The server's seam to discovery (src/core/endpoints): the parser for an open document, the walk of a
 * folder, the merge. The rest of src/server goes through here, and a parser that throws costs that one
 * file a warning, never the server.
 */
import { discoverEndpoints, mergeEndpoints as mergeDeclared, parserFor as coreParserFor, type DeclaredEndpoint, type DiscoveryResult, type ParseOutput } from '../core/endpoints';

/** One file's contribution (the shape discovery's per-format parsers return). */
export type FileParse = ParseOutput;
export type DocumentParser = (file: string, text: string) => FileParse;

/** The parser for a file discovery reads, by its name and folder; undefined for any other file. */
export function parserFor(file: string): DocumentParser | undefined {
  const parse = coreParserFor(file);
  if (!parse) return undefined;
  return (f, text) => {
    try {
      return parse(f, text);
    } catch (err) {
      return { endpoints: [], certificates: [], warnings: [{ file: f, line: 1, message: `could not be read: ${(err as Error).message}` }] };
    }
  };
}

export async function discoverFolder(folderPath: string): Promise<DiscoveryResult> {
  try {
    return await discoverEndpoints(folderPath);
  } catch (err) {
    return { endpoints: [], defaultCertificates: [], warnings: [{ file: folderPath, line: 1, message: `discovery failed: ${(err as Error).message}` }] };
  }
}

/** One endpoint per listener (loopback spellings of a port are one), with every source that declares it. */
export function mergeEndpoints(endpoints: DeclaredEndpoint[]): DeclaredEndpoint[] {
  return mergeDeclared(endpoints);
}
