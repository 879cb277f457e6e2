{
  "name": "%project_name%",
  "version": "0.1.0",
  "private": true,
  "type": "module",
  "engines": { "node": ">=20.19" },
  "scripts": {
    "dev": "tao dev",
    "start": "tao start",
    "build": "tao build",
    "test": "tao test",
    "check": "tao check",
    "typecheck": "tao build --no-emit"
  },
  "dependencies": {},
  "overrides": {
    "cookie": "^1.1.1",
    "content-disposition": "^2.0.1"
  },
  "devDependencies": {
    "@types/node": "^20.19.0",
    "typescript": "~5.9.3"
  }
}
