//! Wait-time estimation.
