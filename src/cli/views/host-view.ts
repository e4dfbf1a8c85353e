import { xmlInt, xmlPath, xmlText, type XmlObject } from '../lib/one-xml.ts';
import { hostStateName } from '../lib/state-names.ts';
import { formatTemplate } from '../lib/template-format.ts';
import { keyValueLines, sectionHeader } from '../lib/text-output.ts';

/** `onehost show` for one `<HOST>` document (spec §10.3). */
export function formatHostShow(host: XmlObject, decorate = false): string {
  const id = xmlText(host, 'ID');
  const share = (field: string) => xmlText(host, `HOST_SHARE/${field}`);
  const info = keyValueLines(
    [
      ['ID', id],
      ['NAME', xmlText(host, 'NAME')],
      ['STATE', hostStateName(xmlInt(host, 'STATE'))],
      ['IM_MAD', xmlText(host, 'IM_MAD')],
      ['VM_MAD', xmlText(host, 'VM_MAD')],
      ['TM_MAD', xmlText(host, 'TM_MAD')],
    ],
    22,
  );
  const shares = keyValueLines(
    [
      ['MAX MEM', share('MAX_MEM')],
      ['USED MEM (REAL)', share('USED_MEM')],
      ['USED MEM (ALLOCATED)', share('MEM_USAGE')],
      ['MAX CPU', share('MAX_CPU')],
      ['USED CPU (REAL)', share('USED_CPU')],
      ['USED CPU (ALLOCATED)', share('CPU_USAGE')],
      ['RUNNING VMS', share('RUNNING_VMS')],
    ],
    22,
  );
  const template = formatTemplate(xmlPath(host, 'TEMPLATE'));
  return [
    sectionHeader(`HOST ${id} INFORMATION`, decorate, true),
    info,
    '',
    sectionHeader('HOST SHARES', decorate),
    shares,
    '',
    sectionHeader('MONITORING INFORMATION', decorate),
    ...(template ? [template] : []),
  ].join('\n');
}
