import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { shellQuote } from '../../inputs/shell-words.ts';

export type DeploymentFile = { readonly local: string; readonly text: string } | { readonly error: string };

/**
 * The file oned wrote for `DEPLOY <vid> <host> <remote file>` (spec §4.4.1):
 * the remote path ends in `deployment.<seq>`, and oned's copy is
 * `<varDir>/<vid>/deployment.<seq>` (as 1.4's get_local_deployment_file).
 */
export async function readDeploymentFile(vid: number, remoteFile: string, varDir: string): Promise<DeploymentFile> {
  const name = basename(remoteFile);
  if (!remoteFile.startsWith('/') || !/^deployment\.\d{1,15}$/.test(name) || /[\0-\x1f\x7f]/.test(remoteFile)) {
    return { error: `Bad deployment file ${JSON.stringify(remoteFile)}: expected an absolute path ending in deployment.<seq>` };
  }
  const local = join(varDir, String(vid), name);
  try {
    return { local, text: await readFile(local, 'utf8') };
  } catch (err) {
    return { error: `Cannot read deployment file ${local}: ${(err as Error).message}` };
  }
}

/** Shell words that write stdin to `remoteFile` on the host, creating its folder (1.4 streamed it with `cat >`). */
export const copyToHostCommand = (remoteFile: string): string =>
  `mkdir -p ${shellQuote(dirname(remoteFile))} && cat > ${shellQuote(remoteFile)}`;
