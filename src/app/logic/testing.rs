//! Test fixtures for the logic tests.
