export { listCommitFiles, matchScope } from './discover-files.js';
