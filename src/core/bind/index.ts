/**
 * Room `bind` — one file per binding target (http.sys/netsh, IisExpressAdminCmd, Kestrel config, dev
 * servers): what makes a server serve a given certificate. Each plans; none acts. Never imports `repair`.
 */
export type { BindContext, BindPlan, BindTarget, BindTargetId, Runner } from './types';
export {
  BindInputError, IIS_EXPRESS_APP_ID, IIS_EXPRESS_SSL_PORT_MAX, IIS_EXPRESS_SSL_PORT_MIN, iisExpressPortWarning,
  iisExpressSslPorts, isIisExpressSslPort, validateAppId, validatePort, validateThumbprint,
} from './validate';
export { findBinding, parseNetshShowSslcert, type NetshSslBinding } from './netshParse';
export { sslcertArgs, type SslcertSettings } from './sslcertSettings';
export {
  httpSysBindTarget, httpSysUndoStep, planHttpSysBindings, planIisExpressSetupSslUrl, readHttpSysBinding, readHttpSysBindings,
  type HttpSysBinding, type HttpSysBindRequest,
} from './httpSys';
export { IIS_EXPRESS_ADMIN_CMD_PATHS, iisExpressAdminCmdAction, iisExpressAdminCmdPaths, interpretIisExpressAdminCmd } from './iisExpressAdminCmd';
export {
  KestrelConfigError, PASSWORD_SECRET_KEY, checkDevCerts, dotnetAvailable, editKestrelDefaultCertificate,
  devCertsSslCertDirLine, devCertsUndo, interpretDevCertsCheck, interpretDevCertsMachineReadable, kestrelCertificateSection, type KestrelCertificateSection, kestrelConfigTarget, kestrelDevCertsTarget, planKestrelConfig, planKestrelDevCerts,
  userSecretsFile, type DevCertsState, type KestrelCertificate, type KestrelConfigRequest,
} from './kestrel';
export {
  craDevServerTarget, devServerSnippet, devServerSnippetTarget, pemPaths, planCraDevServer, planDevServerSnippet,
  planPemPair, type CraRequest, type DevServerKind, type PemPair, type SnippetRequest,
} from './devServer';
export { setDotenvValues } from './dotenv';
export { gitignoreNote } from './devServer';
