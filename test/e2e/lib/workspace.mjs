// The files of the workspace folder every UI session opens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eRoot } from './project.mjs';

export const WORKSPACE_FILES = {
  'draft.py': '# Arithmetic helpers.\n',
  'fib.py': 'def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n',
  'notes.txt': 'Notes\n',
  'shapes.js': '// Geometry helpers.\n',
  // A realistic 150-line source file.
  'inventory.ts': readFileSync(join(e2eRoot, 'fixtures', 'inventory.ts'), 'utf8'),
};
