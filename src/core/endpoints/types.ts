/** What a workspace declares about its HTTPS localhost endpoints, before anything is probed. */

/** Zero-based, LSP-style position and range (the language server uses them as they are). */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

/** The kind of file an endpoint was found in; one discovery parser per kind. */
export type SourceKind =
  | 'launch.json'
  | 'launchSettings.json'
  | 'applicationhost.config'
  | 'appsettings.json'
  | 'dotenv'
  | 'angular.json'
  | 'vite.config'
  | 'webpack.config'
  | 'vue.config'
  | 'package.json'   // scripts that turn HTTPS on from the command line, Office add-in config
  | 'nuxt.config'
  | 'astro.config'
  | 'svelte.config'
  | 'setting'        // devcertDoctor.endpoints
  | 'command-line';  // --host/--port given to the CLI

/** One place that declares an endpoint. `line` is 1-based (what people read); `range` is 0-based (LSP). */
export interface EndpointSource {
  kind: SourceKind;
  /** Absolute path of the file. Empty for `setting` / `command-line`. */
  file: string;
  line: number;
  /** The exact text range of the URL / port / value that declares the endpoint. */
  range: Range;
  /** e.g. the launch configuration name, the launchSettings profile, the Kestrel endpoint name. */
  detail?: string;
  /** The value as written there (the URL list item, the port), for hovers and messages. */
  declared?: string;
  /** Which dev server serves it, when the kind of file does not say (a package.json script: `next`, `vue`...). */
  server?: string;
}

/** A certificate the configuration says the server will serve (Kestrel, CRA, angular...). */
export interface DeclaredCertificate {
  source: EndpointSource;
  /** PEM/PFX/CER path as written, resolved against the declaring file's folder. */
  path?: string;
  keyPath?: string;
  /** True when a password is configured (its value is never kept). */
  hasPassword?: boolean;
  /** Windows store selection (Kestrel `Subject`/`Store`/`Location`). */
  subject?: string;
  store?: string;
  location?: string;
  /** Kestrel `AllowInvalid`: the server accepts a certificate that fails validation. */
  allowInvalid?: boolean;
}

export interface DeclaredEndpoint {
  /** Normalised `https://host:port` (no path). */
  url: string;
  /** Host as declared (`localhost`, `127.0.0.1`, `[::1]`, `*`, `+`, `0.0.0.0`, or another name). */
  host: string;
  port: number;
  /** Hosts that mean "this machine": they are probed. Others are listed, never probed unless asked. */
  loopback: boolean;
  /** Every place that declares it; endpoints found in several files are merged. */
  sources: EndpointSource[];
  /** Certificates configured for this endpoint, when the configuration names one. */
  certificates: DeclaredCertificate[];
  /** What to pass to `tls.connect`: IPv6 brackets stripped, wildcard hosts (`*`, `+`, `0.0.0.0`) → `localhost`. */
  connectHost?: string;
  /** Kestrel `ClientCertificateMode` when configured (e.g. `RequireCertificate`): mTLS expected. */
  clientCertificateMode?: string;
}

/** A file that could not be read as its format: named with file and line, never a crash. */
export interface DiscoveryWarning { file: string; line: number; message: string }

export interface DiscoveryResult {
  endpoints: DeclaredEndpoint[];
  /** Certificates declared without a specific endpoint (e.g. `Kestrel:Certificates:Default`). */
  defaultCertificates: DeclaredCertificate[];
  warnings: DiscoveryWarning[];
}
