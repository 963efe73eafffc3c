//! JavaScript API
