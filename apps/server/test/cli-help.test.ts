import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');
/** `npx yeet`, as the package's bin runs it. */
const yeet = path.join(root, 'node_modules/.bin/yeet');

describe('yeet help', () => {
  it('lists every command', async () => {
    const { stdout } = await run(yeet, ['help'], { cwd: root });
    for (const command of [
      'start',
      'migrate',
      'login',
      'mcp --stdio',
      'token',
      'logout',
      'backup',
      'restore',
      'import-html',
      'help',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  yeet \\[?${command}\\b`, 'm'));
    }
    expect(stdout).toContain('--build');
  });

  it('answers an unknown command with status 2 and the list', async () => {
    const failed = await run(yeet, ['serve'], { cwd: root }).catch((e: { code: number; stderr: string }) => e);
    expect('code' in failed && failed.code).toBe(2);
    expect((failed as { stderr: string }).stderr).toMatch(/^Unknown command "serve"\.\n\nEat or Yeet\n\nUsage:/);
  });
});
