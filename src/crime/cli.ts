import type { Command } from '../cli/command.ts'
import { crimeGeographyCommand, crimeGeographyUpdateCommand } from './geography/geography-command.ts'
import { crimeImportCommand } from './ingest/import-command.ts'
import { crimeKpiCommand, headlinesCommand, type CrimeKpiCommandServices } from './headlines/cli.ts'
import {
  peerGroupEnterCommand,
  peerGroupImportCommand,
  peerGroupProfileCommand,
  peerGroupProposeCommand,
  peerGroupShowCommand,
} from './peer-groups/cli.ts'
import { importOnsTablesCommand, importPopulationCommand } from './reference/cli.ts'

/** The `saferhub crime …` commands; registered in src/main.ts. */
export const crimeCommands: Command<CrimeKpiCommandServices>[] = [
  crimeImportCommand,
  crimeGeographyCommand,
  crimeGeographyUpdateCommand,
  importOnsTablesCommand,
  importPopulationCommand,
  headlinesCommand,
  crimeKpiCommand,
  peerGroupImportCommand,
  peerGroupEnterCommand,
  peerGroupProposeCommand,
  peerGroupShowCommand,
  peerGroupProfileCommand,
]
