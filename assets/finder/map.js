// The map of the same results, with Leaflet (vendor/leaflet, loaded as a classic script that
// sets window.L). Tiles come from the configured server; with none configured, or no network,
// the markers still show on a blank map. Each marker links to its group's page.

export function createMap(element, tilesUrl) {
  const L = window.L;
  if (!L) {
    element.hidden = true;
    return { show() {} };
  }
  const map = L.map(element, { scrollWheelZoom: false }).setView([20, 0], 2);
  if (tilesUrl) {
    L.tileLayer(tilesUrl, { maxZoom: 19, attribution: attribution(tilesUrl) }).addTo(map);
  }
  const layer = L.layerGroup().addTo(map);
  return {
    // items: [{ group }]; center: [lat, lng] of the search, when near a point.
    show(items, center) {
      layer.clearLayers();
      map.invalidateSize();
      const points = [];
      for (const { group } of items) {
        const loc = group.location;
        if (typeof loc?.latitude !== 'number' || typeof loc?.longitude !== 'number') continue;
        const link = document.createElement('a');
        link.href = `#/group/${encodeURIComponent(group.id)}`;
        link.textContent = group.name;
        L.marker([loc.latitude, loc.longitude], { title: group.name, alt: group.name }).bindPopup(link).addTo(layer);
        points.push([loc.latitude, loc.longitude]);
      }
      if (center) points.push(center);
      if (points.length > 1) map.fitBounds(points, { padding: [24, 24], maxZoom: 14 });
      else if (points.length === 1) map.setView(points[0], 12);
    },
  };
}

function attribution(url) {
  if (url.includes('openstreetmap.org')) {
    return '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
  }
  try {
    return `Tiles: ${new URL(url.replaceAll(/[{}]/g, '')).host}`;
  } catch {
    return '';
  }
}
