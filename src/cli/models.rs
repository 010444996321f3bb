//! Reading the model files the subcommands are given (`--model`,
//! `--base`): the shipped model by name, or a file refused with an error
//! that names it ([`crate::suggest::learning::load_model`]).
//!
//! Owns: [`engine_for`], [`read_base`]. Must not touch: anything but the
//! model file it reads.

use std::path::Path;

use anyhow::{Context, Result};

use crate::model::{RecognizerName, Schema};
use crate::suggest::learning::{BUILTIN_NAME, builtin_base, file_base, load_model};
use crate::suggest::tagger::BaseModel;
use crate::suggest::{BUILTIN_MODEL, Engine, Tagger};

/// The engine over the model file at `model` (its labels checked against
/// `schema`), or the built-in engine.
pub fn engine_for(model: Option<&Path>, schema: &Schema) -> Result<Engine> {
    let Some(path) = model else {
        return Ok(Engine::builtin());
    };
    let bytes = std::fs::read(path).with_context(|| format!("reading the model {}", path.display()))?;
    let tagger = load_model(&bytes, &path.display().to_string(), schema)?;
    // Its suggestions say which model proposed them: `tagger:` and the file's name.
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    Ok(Engine::with_tagger_named(Some(tagger), RecognizerName::model(&name)))
}

/// The base to continue training from: `builtin` (the shipped model) or a
/// model file, and what the new model records of it.
pub fn read_base(base: &str) -> Result<(Tagger, BaseModel)> {
    if base == BUILTIN_NAME {
        let tagger = Tagger::from_bytes(BUILTIN_MODEL).context("the shipped model does not load")?;
        return Ok((tagger, builtin_base()));
    }
    let path = Path::new(base);
    let bytes = std::fs::read(path).with_context(|| format!("reading the base model {}", path.display()))?;
    let tagger = Tagger::from_bytes(&bytes).map_err(|e| anyhow::anyhow!("{e} in {}", path.display()))?;
    let name = path.file_name().map_or_else(|| base.to_owned(), |n| n.to_string_lossy().into_owned());
    let about = file_base(&name, &bytes, &tagger);
    Ok((tagger, about))
}
