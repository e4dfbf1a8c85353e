import { xmlPath, xmlText, type XmlObject } from '../lib/one-xml.ts';
import { formatTemplate } from '../lib/template-format.ts';
import { keyValueLines, sectionHeader } from '../lib/text-output.ts';

/** `onevnet show` for one `<VNET>` document (spec §10.4). */
export function formatVnetShow(vnet: XmlObject, decorate = false): string {
  const id = xmlText(vnet, 'ID');
  const out = [
    sectionHeader(`VIRTUAL NETWORK ${id} INFORMATION`, decorate, true),
    keyValueLines([['ID', id], ['UID', xmlText(vnet, 'UID')]], 15),
    '',
    sectionHeader('VIRTUAL NETWORK TEMPLATE', decorate),
  ];
  const template = formatTemplate(xmlPath(vnet, 'TEMPLATE'), false);
  if (template) out.push(template);
  const leases = formatTemplate(xmlPath(vnet, 'LEASES'), false);
  if (leases) out.push('', sectionHeader('LEASES INFORMATION', decorate), leases);
  return out.join('\n');
}
