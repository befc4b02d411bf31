/**
 * The users target's `createDefaults` option: values a new user gets when its record has none
 * (what they are and why: user-create.ts), and Concur's documented defaults.
 */

/** Concur's documented defaults (DOC:user-provisioning/v4.user-provisioning, User schema). */
export const DOCUMENTED_DEFAULTS = { timezone: 'America/New_York', preferredLanguage: 'en-US' } as const;

export const createDefaultsSchema = {
  type: 'object',
  additionalProperties: false,
  title: 'Defaults for new users',
  description:
    'Values a user gets when it is created and the record has none: User Provisioning requires them on create. Sent only when creating a user, never compared or sent for an existing one, so what a user or administrator later sets in Concur stays.',
  properties: {
    timezone: {
      type: 'string',
      minLength: 1,
      default: DOCUMENTED_DEFAULTS.timezone,
      title: 'Time zone',
      description: "Olson (IANA) time zone of new users. Concur's documented default is America/New_York.",
      examples: ['America/Chicago', 'Europe/Berlin'],
    },
    preferredLanguage: {
      type: 'string',
      minLength: 1,
      title: 'Preferred language',
      description:
        "Language of new users. Default: the user's spend locale (en_US as en-US), else en-US (Concur's documented default).",
      examples: ['en-US', 'de-DE'],
    },
    cashAdvanceAccountCode: {
      type: 'string',
      minLength: 1,
      title: 'Cash advance account code',
      description:
        "Spend `cashAdvanceAccountCode` of users created with the spend extension: the account code Concur's accounting extract uses for an employee's cash advances. Without it (and without a value in the record), such a user goes to attention instead of being created.",
      examples: ['1200'],
    },
  },
} as const;

export interface CreateDefaults {
  timezone?: string;
  preferredLanguage?: string;
  cashAdvanceAccountCode?: string;
}
