/** The hazard log in the NHS column layout (CSV and XLSX) is written by src/export (issue 5); the documents reuse it. */
export { hazardLogCsv, hazardLogRows, hazardLogXlsx } from '../export/hazard-log.js';
