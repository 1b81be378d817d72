import { defineGroup } from '../define.js';

export const aiEvents = defineGroup({ source: 'vaultterm', group: 'AI agents', category: 'ai', push: true }, {
  AI_AGENT_REGISTERED: {
    title: 'AI agent registered',
    severity: 'medium',
    description: 'A new AI agent identity was registered with access to the vault.',
  },
  AI_AGENT_PERMISSIONS_EXPANDED: {
    title: 'AI agent permissions expanded',
    severity: 'high',
    description: 'An AI agent was granted access to more secrets or wider scopes.',
  },
  AI_AGENT_SECRET_ACCESS_DENIED: {
    title: 'AI agent secret access denied',
    severity: 'medium',
    description: 'An AI agent asked for a secret outside its scope and was refused.',
  },
  AI_AGENT_APPROVAL_REQUESTED: {
    title: 'AI agent requested human approval',
    severity: 'medium',
    description: 'An AI agent paused to ask a human to approve use of a sensitive secret.',
  },
  AI_AGENT_SUSPENDED: {
    title: 'AI agent suspended',
    severity: 'high',
    description: 'An AI agent was suspended by policy or by an administrator and its tokens revoked.',
  },
  AI_PROMPT_INJECTION_DETECTED: {
    title: 'Prompt injection detected',
    severity: 'high',
    description: 'Input to an AI agent contained instructions crafted to make it reveal or misuse secrets.',
  },
  AI_SECRET_IN_PROMPT_DETECTED: {
    title: 'Secret detected in AI prompt or output',
    severity: 'critical',
    // An exposure detection: the scanner rates what leaked, so its severity wins.
    ownSeverity: true,
    description: 'A secret value appeared in a prompt sent to, or a response from, a language model.',
  },
  AI_TOOL_CALL_BLOCKED: {
    title: 'AI tool call blocked',
    severity: 'medium',
    description: 'A guardrail blocked a tool call an AI agent tried to make with vault credentials.',
  },
  AI_MODEL_PROVIDER_CHANGED: {
    title: 'AI model provider changed',
    severity: 'medium',
    description: 'The language model provider that agents send data to was changed.',
  },
});
