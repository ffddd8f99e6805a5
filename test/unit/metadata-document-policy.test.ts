import { expect } from 'chai';

import {
  hostMatches,
  isMetadataDocumentClientId,
  metadataHostAllowed,
  metadataHostVerified,
} from '../../provider/clients/metadata-document-policy.ts';

describe('client ID metadata document policy', () => {
  it('matches host names exactly and *.domain patterns to subdomains only', () => {
    expect(hostMatches('agent.example', 'agent.example')).to.equal(true);
    expect(hostMatches('AGENT.example', 'agent.example')).to.equal(true);
    expect(hostMatches('a.agents.example', '*.agents.example')).to.equal(true);
    expect(hostMatches('agents.example', '*.agents.example'), 'the domain itself is not a subdomain').to.equal(false);
    expect(hostMatches('evilagents.example', '*.agents.example')).to.equal(false);
  });

  it('fetches any host without a list (unverified), only listed ones with one (verified)', () => {
    expect(metadataHostAllowed('https://x.example/c.json', [])).to.equal(true);
    expect(metadataHostVerified('https://x.example/c.json', [])).to.equal(false);
    expect(metadataHostAllowed('https://x.example/c.json', ['*.trusted.example'])).to.equal(false);
    expect(metadataHostAllowed('https://a.trusted.example/c.json', ['*.trusted.example'])).to.equal(true);
    expect(metadataHostVerified('https://a.trusted.example/c.json', ['*.trusted.example'])).to.equal(true);
  });

  it('takes only https URLs as metadata-document client ids', () => {
    expect(isMetadataDocumentClientId('https://agent.example/c.json')).to.equal(true);
    expect(isMetadataDocumentClientId('http://agent.example/c.json')).to.equal(false);
    expect(isMetadataDocumentClientId('web-1')).to.equal(false);
  });
});
