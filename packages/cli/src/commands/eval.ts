import type { Command } from 'commander';

const parents = new WeakMap<Command, Command>();

/**
 * The `eval` parent command, created once per program: `eval recs`, `eval segments` and any other
 * offline evaluation register under it without knowing about each other.
 */
export function evalCommand(program: Command): Command {
  let parent = parents.get(program);
  if (!parent) {
    parent = program.command('eval').description('offline evaluations of the models on the shared data sets');
    parents.set(program, parent);
  }
  return parent;
}
