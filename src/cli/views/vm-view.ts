import { xmlInt, xmlPath, xmlText, type XmlObject } from '../lib/one-xml.ts';
import { lcmStateName, vmStateName } from '../lib/state-names.ts';
import { formatTemplate } from '../lib/template-format.ts';
import { keyValueLines, sectionHeader } from '../lib/text-output.ts';
import { formatDate } from '../lib/time-format.ts';

/** `onevm show` for one `<VM>` document (spec §10.2). */
export function formatVmShow(vm: XmlObject, decorate = false): string {
  const id = xmlText(vm, 'ID');
  const deployId = xmlText(vm, 'DEPLOY_ID');
  // Why the scheduler has not placed a PENDING VM: shown up front, not only among the template attributes.
  const schedMessage = xmlText(vm, 'TEMPLATE/SCHED_MESSAGE');
  const info = keyValueLines(
    [
      ['ID', id],
      ['NAME', xmlText(vm, 'NAME')],
      ['STATE', vmStateName(xmlInt(vm, 'STATE'))],
      ['LCM_STATE', lcmStateName(xmlInt(vm, 'LCM_STATE'))],
      ['START TIME', formatDate(xmlInt(vm, 'STIME'))],
      ['END TIME', formatDate(xmlInt(vm, 'ETIME'))],
      ['DEPLOY ID', deployId === '' ? '-' : deployId],
      ...(schedMessage === '' ? [] : [['SCHED MESSAGE', schedMessage] as [string, string]]),
    ],
    15,
  );
  const template = formatTemplate(xmlPath(vm, 'TEMPLATE'));
  return [
    sectionHeader(`VIRTUAL MACHINE ${id} INFORMATION`, decorate, true),
    info,
    '',
    sectionHeader('VIRTUAL MACHINE TEMPLATE', decorate),
    ...(template ? [template] : []),
  ].join('\n');
}
