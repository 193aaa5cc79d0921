#!/usr/bin/env node
// The entry point. Before anything else is loaded: what ps shows is our command line with any password in a
// URL replaced by *** (other users can read a process's arguments), and React runs its production build.
process.title = ['hatchet-sessions', ...process.argv.slice(2)].join(' ').replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
process.env.NODE_ENV ??= 'production';
const { run } = await import('./main.js');
await run(process.argv.slice(2));
