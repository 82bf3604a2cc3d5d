// The only door to the Rust side. Every command answers a value or throws
// {code, message, field?, attempts_left?}; anything else becomes "unexpected".

const core = window.__TAURI__ && window.__TAURI__.core;

export async function invoke(command, args = {}) {
  if (!core) {
    throw { code: "unexpected", message: "L'application n'a pas pu démarrer correctement. Veuillez la relancer." };
  }
  try {
    return await core.invoke(command, args);
  } catch (err) {
    if (err && typeof err === "object" && typeof err.code === "string" && typeof err.message === "string") {
      throw err;
    }
    throw { code: "unexpected", message: "Une erreur inattendue s'est produite. Veuillez réessayer." };
  }
}
