/**
 * The name of the Actions artifact that carries a commit's test results (`clinsafe-evidence-<sha>`):
 * written by the Action's evidence mode, looked up by the gate and the App. A module of its own so
 * the gate can name the artifact without loading the JUnit reader.
 */
export function evidenceArtifactName(commit: string): string {
  return `clinsafe-evidence-${commit}`;
}
