// Loaded into the fuzzed collector with NODE_OPTIONS=--import: says at exit
// whether anything was added to Object.prototype while it served.
const before = Object.getOwnPropertyNames(Object.prototype).sort().join();

process.on('exit', () => {
  const after = Object.getOwnPropertyNames(Object.prototype).sort().join();
  const probe = {};
  const clean = after === before && probe.polluted === undefined && probe.isAdmin === undefined;
  // Pipes are written synchronously on Linux, so this line is out before the process ends.
  process.stdout.write(clean ? '\nPROTOTYPE CLEAN\n' : `\nPROTOTYPE POLLUTED: ${after}\n`);
});
