export const SERVICE = 'creative-studio';
