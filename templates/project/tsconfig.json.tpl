{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "lib": ["ES2023"],
    "types": ["node"],
    "strict": true,
    "skipLibCheck": true,
    "verbatimModuleSyntax": true,
    "rootDir": ".",
    "outDir": "build",
    "noEmit": true
  },
  "include": ["settings.ts", "apps/**/*.ts", "test/**/*.ts", ".tao/*.d.ts"],
  "exclude": ["node_modules", "build", "var"]
}
