/**
 * Room `status` — what the user sees at a glance: the status bar item, its tooltip, the pick list of
 * endpoints and their fixes, and how each fix is named. Reads the VerdictStore; runs no repair itself.
 */
export { SHOW_ENDPOINTS, pickEndpoint, showEndpointsMenu } from './endpointPicker';
export { presentFix, type FixPresentation } from './fixes';
export { primaryFixes } from './primaryFixes';
export { problemSentence, problemWord, problemWords } from './stateWords';
export { StatusBar, statusText, type StatusBarSnapshot } from './statusBar';
export { headline, renderTooltip, verdictState } from './tooltip';
