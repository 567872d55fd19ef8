#!/usr/bin/env node
/**
 * `npm run check:imports`: dependency-cruiser with .dependency-cruiser.cjs (the import rule of
 * src/ and schemas/, see there). Prints the violations and exits non-zero when there are any.
 *
 * Through dependency-cruiser's API, not its CLI: the CLI of dependency-cruiser 18 refuses to
 * start on Node 20 (it checks its engines, ^22||^24||>=26), the Node this project runs on
 * (package.json engines, Dockerfile); the API, the same cruise, runs on it.
 */
import { fileURLToPath } from 'node:url'
import { cruise } from 'dependency-cruiser'
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options'
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config'

process.chdir(fileURLToPath(new URL('..', import.meta.url)))
const targets = process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'schemas']
const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs')
const tsConfig = options.tsConfig?.fileName ? extractTSConfig(options.tsConfig.fileName) : undefined
const result = await cruise(targets, { ...options, outputType: 'err' }, {}, { tsConfig })
process.stdout.write(String(result.output))
process.exitCode = result.exitCode
