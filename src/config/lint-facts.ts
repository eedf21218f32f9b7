/** The newest policy version the engine knows (spec §1.2: v1.37); versions above evaluate as it. */
export const LATEST_POLICY_MINOR = 37;
