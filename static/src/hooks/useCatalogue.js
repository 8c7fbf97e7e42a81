// React hooks over the catalogue and the compute targets (the data itself is model/catalogue.js).
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { loadCatalogue } from '../model/catalogue.js';

export function useCatalogue() {
  const [state, setState] = useState({ catalogue: null, error: null });
  useEffect(() => {
    let live = true;
    loadCatalogue().then(
      (catalogue) => live && setState({ catalogue, error: null }),
      (error) => live && setState({ catalogue: null, error }),
    );
    return () => { live = false; };
  }, []);
  return state;
}

export function useComputeTargets() {
  const [targets, setTargets] = useState([]);
  useEffect(() => {
    let live = true;
    api.compute().then((data) => live && setTargets(data.targets || []), () => live && setTargets([]));
    return () => { live = false; };
  }, []);
  return targets;
}
