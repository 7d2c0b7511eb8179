/** Workflow-command escaping and format choice, by the rules GitHub's runner and known tools follow. */
import { describe, expect, it } from 'vitest';
import { commandsFor } from '../src/cli/program.js';
import { annotation, chosenFormat, escapeData, escapeProperty, formatForOutput, formatFromExtension } from '../src/cli/output-format.js';

describe('GitHub workflow commands', () => {
  it('escapes %, CR and LF in the message, and also : and , in properties', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
    // A hostile file name cannot end the property list or start a new command.
    const line = annotation('error', 'bad\n::warning::forged', { file: 'x,line=1::y.yml', line: 3, col: 2, title: 'clinsafe schema' });
    expect(line).toBe('::error file=x%2Cline=1%3A%3Ay.yml,line=3,col=2,title=clinsafe schema::bad%0A::warning::forged');
    expect(line.split('\n')).toHaveLength(1);
  });

  it('github is the default only inside GitHub Actions and only where the command offers it', () => {
    const io = (env: Record<string, string>) => ({ out: () => {}, err: () => {}, cwd: '/', env });
    expect(chosenFormat(io({ GITHUB_ACTIONS: 'true' }), undefined, ['text', 'json', 'github'])).toBe('github');
    expect(chosenFormat(io({}), undefined, ['text', 'json', 'github'])).toBe('text');
    expect(chosenFormat(io({ GITHUB_ACTIONS: 'true' }), 'json', ['text', 'json', 'github'])).toBe('json');
    expect(chosenFormat(io({ GITHUB_ACTIONS: 'true' }), undefined, ['text', 'json'])).toBe('text');
  });
});

describe('format from a file name', () => {
  it('takes the extension, case-insensitively, only among the allowed formats', () => {
    expect(formatFromExtension('out/log.CSV', ['xlsx', 'csv'])).toBe('csv');
    expect(formatFromExtension('log.xlsx', ['xlsx', 'csv'])).toBe('xlsx');
    expect(formatFromExtension('log.pdf', ['xlsx', 'csv'])).toBeUndefined();
    expect(formatFromExtension('log', ['xlsx', 'csv'])).toBeUndefined();
    expect(formatForOutput(undefined, 'a.csv', ['xlsx', 'csv'])).toBe('csv');
    expect(formatForOutput('XLSX', 'a.bin', ['xlsx', 'csv'])).toBe('xlsx');
    expect(() => formatForOutput(undefined, 'a.pdf', ['xlsx', 'csv'])).toThrow(/cannot tell the format from "a.pdf"/);
  });
});

describe('start-up', () => {
  it('--version loads no command; a command loads only itself; help and unknown names load all', () => {
    expect(commandsFor(['--version'])).toEqual([]);
    expect(commandsFor(['-V'])).toEqual([]);
    expect(commandsFor(['validate', '--dir', 'x'])).toEqual(['validate']);
    expect(commandsFor(['help', 'check'])).toEqual(['check']);
    expect(commandsFor([])).toContain('report');
    expect(commandsFor(['valdate'])).toHaveLength(9);
  });
});
