// Thin Comlink wrapper: exposes the file import (engine/import-core over io/import-service). The
// file's bytes arrive transferred; progress goes back through a Comlink.proxy callback.

import * as Comlink from 'comlink';
import { createImportApi } from '../src/engine/import-core';

Comlink.expose(createImportApi());
