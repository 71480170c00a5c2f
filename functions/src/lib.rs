//! The retail backend (filled in by the functions work).
